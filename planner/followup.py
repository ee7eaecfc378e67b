"""Follow-ups in a thread: "only EU", "make it a line", "what about 2023?", "top 5", "undo".

A follow-up is read with the same readers as a new question (`planner.reading`) and applied as an
edit of the thread's last plan: it changes only what it names, and says what changed ("Same chart,
filtered to region = EU"). A question that names a new chart outright ("scatter of price vs
units", "revenue by product") starts fresh instead: `plan_followup` returns None for those, and
the caller plans them as new questions.

`reads_as_request` decides whether a reply WITHOUT a mention asks for a chart at all: people also
talk to each other in a thread ("thanks!", "@ana can you check?"), and chatter never draws.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.profile import DataProfile
from planner.accounting import unused_phrases
from planner.edits import Edit, apply_edits, edit_spans
from planner.matching import find_mentions, tokenize
from planner.plan import Plan
from planner.question import intent_spans
from planner.reading import QuestionReading, read_all
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
_REACTION = re.compile(
    r"^(?:lol|lmao|haha+|hah|ha|nice|wow|interesting|hmm+|omg|cool|great|thanks?|thx|ok|okay|"
    r"yeah|yep|nope|wait|huh|oh)\b"
)
_ASKS = re.compile(
    r"\b(?:show|make|plot|draw|chart it|change|switch|turn|only|just|add|remove|drop|without|"
    r"exclude|split|sort|top|what about|how about|can you|could you|instead|as a|by)\b"
)
_OTHER_PERSON = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_UNDO = re.compile(r"^\W*(?:undo|go back|back|previous (?:one|chart)|revert|as before)\W*$")
# Words that make a complete-looking question an edit of the last chart ("revenue by product
# instead", "also units").
_EDIT_MARKERS = re.compile(
    r"\b(?:instead|same|also|too|now|only|just|again|as well|add|plus|but|what about|how about|"
    r"and for|rather|switch|change|make it|turn it)\b"
)


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
    if _REACTION.match(low) and not _ASKS.search(low):
        return False  # "lol that friday bar": talk about the chart, not a request
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


def plan_followup(
    question: str, profile: DataProfile, previous: Plan, earlier: Sequence[Plan] = ()
) -> Plan | None:
    """The thread's last plan edited by `question`, or None when it asks for a new chart.

    Args:
        question: the follow-up as typed.
        profile: the profile of the file in play (the same file as `previous`).
        previous: the plan of the thread's last answer.
        earlier: the plans before it, oldest first ("undo" goes back to the last of them).
    """
    if _UNDO.match(question.lower()):
        if not earlier:
            return previous.model_copy(
                update={
                    "changes": ["Nothing to go back to: this is the thread's first chart"],
                    "planner": "rules",
                }
            )
        return earlier[-1].model_copy(
            update={"changes": ["Back to the chart before"], "planner": "rules"}
        )
    read = read_all(question, profile)
    if _fresh(read, profile):
        return None
    edited = apply_edits(previous.primary, read, profile)
    if not edited.edits:
        return None
    return _plan(previous, edited.edits, read, edited.used)


def _fresh(read: QuestionReading, profile: DataProfile) -> bool:
    """A question that names its whole chart: a chart type and two columns, or a measure and a
    breakdown, with no word saying it edits the last one."""
    if _EDIT_MARKERS.search(read.intents.text.lower()):
        return False
    used = read.filters.used_tokens
    named = [m for m in read.mentions if not set(range(m.start, m.end)) & used]
    roles = {profile.column(m.column).role for m in named}
    columns = {m.column for m in named}
    if read.intents.chart and len(columns) >= 2:
        return True
    has_measure = "number" in roles or read.distinct is not None
    has_breakdown = bool(roles & {"category", "time", "boolean"}) or read.intents.grain is not None
    return has_measure and has_breakdown and len(columns) >= 2


def _plan(previous: Plan, edits: list[Edit], read: QuestionReading, used: set[int]) -> Plan:
    spec = edits[-1].spec
    changes = [e.said for e in edits if e.said]
    not_done = [e.not_done for e in edits if e.not_done]
    spans = [*intent_spans(read.intents), *read.dates.spans, *read.transform.spans]
    spans += edit_spans(read.intents.text)
    unused = unused_phrases(read.tokens, used | read.filters.used_tokens, spans)
    return Plan(
        charts=[spec, *previous.charts[1:]],
        summary_card=previous.summary_card,
        table=previous.table,
        assumptions=[*read.prepared.notes, *read.dates.notes],
        unused=unused,
        not_done=not_done[:10],
        changes=changes[:10],
        planner="rules",
    )
