"""Which words of a question the plan did not use, so the answer can say so.

A chart that looks right but quietly ignored "per capita" or "in texas" is the worst answer a chart
bot can give. Every word of the question is either used by some reading (a column, a value, a date,
a filter, an intent such as "top 5" or "rolling avg") or is a word with no meaning of its own
("show", "the", "please"); whatever is left is reported as "What I didn't use".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.matching import Token
from planner.vocabulary import FILLER_WORDS, FUNCTION_WORDS, GROUP_WORDS

MAX_PHRASES = 8


def unused_phrases(
    tokens: Sequence[Token], used: set[int], spans: Iterable[tuple[int, int]] = ()
) -> list[str]:
    """The question's unused words, as phrases of neighbouring words, in question order.

    Args:
        tokens: the question's tokens.
        used: indices of tokens some reading used.
        spans: character spans of the question some reading used (intent phrases, dates).
    """
    spans = list(spans)
    phrases: list[list[str]] = []
    previous = -2
    for i, tok in enumerate(tokens):
        if i in used or any(a <= tok.start < b for a, b in spans) or _meaningless(tok):
            continue
        if i == previous + 1 and phrases:
            phrases[-1].append(tok.text)
        else:
            phrases.append([tok.text])
        previous = i
    return [" ".join(words) for words in phrases][:MAX_PHRASES]


def _meaningless(tok: Token) -> bool:
    if tok.kind == "op":
        return False
    low = tok.low
    return (
        low in FUNCTION_WORDS
        or low in FILLER_WORDS
        or low in GROUP_WORDS
        or tok.stem in FUNCTION_WORDS
        or (tok.kind == "word" and len(low) == 1)
    )
