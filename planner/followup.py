"""Follow-ups in a thread: does a reply without a mention ask for a chart at all?

In a thread where Chartroom answered, the person who asked may refine the answer without
mentioning the bot ("only EU", "make it a line", "what about 2023?"). People also talk to each other
in that thread ("thanks!", "looks off to me, @ana can you check?"), and chatter must never draw a
chart. A reply reads as a request when it carries a chart intent (a chart type, an edit verb, an
aggregate, a time grain, top N, a scale, undo) or, being short, names something in the data (a
column, a value, a year).
"""

from __future__ import annotations

import re

from ingest.profile import DataProfile
from planner.matching import find_mentions, tokenize
from planner.plan import Plan
from planner.values import find_values

# A reply this long that only names data ("revenue looks low in EU this month, right?") is talk.
_SHORT_REPLY_WORDS = 8
_INTENT = re.compile(
    r"\b(?:bar|bars|line|lines|pie|donut|area|scatter|histogram|box ?plot|table|"
    r"chart it|plot it|graph it|show|plot|draw|make it|change|switch|turn it|sort|order|"
    r"filter|only|just|without|exclude|excluding|except|remove|drop|add|include|instead|"
    r"top \d+|bottom \d+|top (?:ten|five|three)|split|group(?:ed)? by|stack(?:ed)?|log scale|"
    r"linear|daily|weekly|monthly|quarterly|yearly|annual|by (?:day|week|month|quarter|year)|"
    r"average|avg|mean|median|sum|total|count|how many|per|undo|go back|again|same for|"
    r"what about|how about|and for|ascending|descending)\b"
)
_CHATTER = re.compile(
    r"^(?:thanks?|thank you|thx|ty|great|nice|cool|awesome|perfect|lol|haha|ok|okay|wow|"
    r"neat|love it|got it|👍|🙏|:\w+:|\W)+$"
)
_OTHER_PERSON = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def reads_as_request(text: str, profile: DataProfile, previous: Plan | None) -> bool:
    """True when a thread reply without a mention asks Chartroom for a (changed) chart.

    Args:
        text: the reply as typed, the bot's own mention already removed.
        profile: the profile of the file in play in the thread.
        previous: the thread's last plan, if any (a reply can only refine what exists).
    """
    low = " ".join(text.lower().split())
    if not low or _CHATTER.fullmatch(low):
        return False
    talks_to_someone = _OTHER_PERSON.search(text) is not None
    plain = _OTHER_PERSON.sub(" ", low)
    if _INTENT.search(plain):
        return not talks_to_someone or previous is None
    if talks_to_someone:
        return False
    words = plain.split()
    return len(words) <= _SHORT_REPLY_WORDS and _names_data(plain, profile)


def _names_data(text: str, profile: DataProfile) -> bool:
    """The reply names a column, a value of the data, or a year."""
    if _YEAR.search(text):
        return True
    tokens = tokenize(text)
    mentions = find_mentions(tokens, profile)
    if mentions:
        return True
    return bool(find_values(tokens, mentions, profile))
