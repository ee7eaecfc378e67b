"""Calculations asked for on top of the aggregated series: rolling means, % change, year over
year, running totals, shares of the total, ratios of two columns, distinct counts, top N within
each group.

Each reader returns what it found and the text spans it used, so the answer can say that the words
were understood (or, when the chart cannot show them, that they were not done).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.profile import DataProfile
from planner.matching import Mention, Token
from planner.plan import TimeGrain, Transform, TransformKind
from planner.vocabulary import NUMBER_WORDS

_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
_UNIT = r"(days?|d|weeks?|wk|w|months?|mo|quarters?|q|years?|yr|points?|periods?)"
_AVG = r"(?:avg|average|mean|ma)"
_ROLLING = (
    re.compile(rf"\b{_NUM}[- ]?{_UNIT}[- ]?(?:rolling|moving|trailing)?[- ]?{_AVG}\b"),
    re.compile(
        rf"\b(?:rolling|moving|trailing)[- ]{_AVG}\b(?:\s+[a-z_]+){{0,4}}?\s+(?:over|across|of)"
        rf"\s+(?:the\s+(?:last|past)\s+)?{_NUM}[- ]?{_UNIT}\b"
    ),
    re.compile(
        rf"\b(?:rolling|moving|trailing)[- ]{_AVG}(?:\s+(?:of|over|across)?\s*{_NUM}[- ]?{_UNIT})?"
    ),
    re.compile(rf"\b(?:rolling|moving|trailing)\s+{_NUM}[- ]?{_UNIT}\s+{_AVG}\b"),
    re.compile(r"\bsmooth(?:ed|ing)?\b"),
)
_PATTERNS: tuple[tuple[TransformKind, re.Pattern[str]], ...] = (
    (
        "yoy",
        re.compile(
            r"\byoy(?: (?:change|growth|%))?\b|\by/y\b|\byear[- ](?:over|on)[- ]year"
            r"(?: (?:change|growth))?\b|\bvs\.? (?:the )?(?:previous|last|"
            r"prior) year\b|\bannual (?:growth|change)\b|\bsame (?:month|period) last year\b"
        ),
    ),
    (
        "pct_change",
        re.compile(
            r"(?:%|\bpercent|\bpct|\bpercentage)\s*change\b|\bgrowth rate\b|\bchange from "
            r"(?:the )?previous\b|\b(?:day|week|month|quarter)[- ](?:over|on)[- ](?:day|week|"
            r"month|quarter)\b|\bmom\b|\bqoq\b|\bperiod over period\b"
            r"|(?:%|\bpercent|\bpct|\bpercentage) growth\b"
        ),
    ),
    (
        "cumsum",
        re.compile(
            r"\bcumulative(?:ly)?\b|\brunning (?:total|sum)\b|\bcumsum\b|\baccumulated\b"
            r"|\bso far\b"
        ),
    ),
    (
        "share",
        re.compile(
            r"\bshares?(?: of (?:the )?(?:total|all|whole))?\b(?! price)"
            r"|(?:%|\bpercent|\bpct|\bpercentage) of (?:the )?(?:total|all)\b"
            r"|\bmarket share\b|\bproportions?\b|\bas (?:a )?(?:%|percent|percentage)\b(?! of)"
        ),
    ),
)
_RATIO = re.compile(
    r"\bas (?:a )?(?P<pct>%|percent|pct|percentage|share|fraction|proportion|ratio) of\b"
    r"|\b(?P<div>divided by|per|/|to)\b"
)
_RATIO_OF = re.compile(r"\bratio (?:of|between)\b")
# "how many countries", "number of different products", "distinct customers" — but "in a
# different decor" or "from different nationality" is a breakdown, not a distinct count.
_DISTINCT = re.compile(
    r"(?:\bhow many|\bnumber of|\bcount of|\bcount|#)(?: (?:distinct|different|unique))? $"
    r"|\b(?:distinct|unique) $"
)
_GRAIN_OF_UNIT: dict[str, TimeGrain] = {"d": "D", "w": "W", "m": "M", "q": "Q", "y": "Y"}


@dataclass
class TransformReading:
    """A transform asked for, the grain its window implies, and the text spans used."""

    transform: Transform | None = None
    grain: TimeGrain | None = None  # "7 day rolling average": days
    spans: list[tuple[int, int]] = field(default_factory=list)


def read_transform(text: str) -> TransformReading:
    """The first transform `text` asks for ("7 day rolling avg", "yoy", "running total")."""
    low = text.lower()
    for pattern in _ROLLING:
        m = pattern.search(low)
        if m:
            number, unit = _window(m)
            return TransformReading(
                Transform(kind="rolling_mean", window=number or 7),
                _grain(unit),
                [m.span()],
            )
    for kind, pattern in _PATTERNS:
        m = pattern.search(low)
        if m:
            return TransformReading(Transform(kind=kind), None, [m.span()])
    return TransformReading()


def _window(m: re.Match[str]) -> tuple[int | None, str | None]:
    groups = [g for g in m.groups() if g]
    number = next((g for g in groups if g.isdigit() or g in NUMBER_WORDS), None)
    unit = next((g for g in groups if g and not g.isdigit() and g not in NUMBER_WORDS), None)
    value = None
    if number is not None:
        value = int(number) if number.isdigit() else NUMBER_WORDS[number]
    return (value if value is None or 2 <= value <= 1000 else None), unit


def _grain(unit: str | None) -> TimeGrain | None:
    if unit is None or unit.startswith(("point", "period")):
        return None
    return _GRAIN_OF_UNIT.get(unit[0])


@dataclass(frozen=True)
class Ratio:
    """ "tip as % of total bill": `numerator` / `denominator`, in % when `percent`."""

    numerator: str
    denominator: str
    percent: bool
    tokens: frozenset[int]


def read_ratio(
    text: str, tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile
) -> Ratio | None:
    """Two number columns joined by "as % of", "per", "divided by", "/", "to" (or "ratio of A to
    B"). "per" and "to" count only between two NUMBER columns ("revenue per unit"), since "per
    region" is a breakdown; "A over B" plots A against B, it does not divide."""
    numbers = [m for m in mentions if profile.column(m.column).role == "number"]
    for left, right in itertools.pairwise(numbers):
        if left.column == right.column:
            continue
        words = text[tokens[left.end - 1].end : tokens[right.start].start].lower()
        words = " ".join(words.replace("the ", " ").split())
        ratio_of = left.start >= 2 and _RATIO_OF.search(
            " ".join(t.low for t in tokens[max(0, left.start - 2) : left.start])
        )
        m = _RATIO.fullmatch(words) if words else None
        if not (m or (ratio_of and words in ("to", "and", "vs"))):
            continue
        percent = bool(m and m.group("pct") in ("%", "percent", "pct", "percentage"))
        used = set(range(left.start, right.end))
        if ratio_of:
            used |= set(range(left.start - 2, left.start))
        return Ratio(left.column, right.column, percent, frozenset(used))
    return None


def counted_distinct(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile
) -> Mention | None:
    """ "how many countries per continent", "number of unique products": a category or id
    column right after a count phrase is counted by its distinct values, not by rows — unless the
    question also breaks the chart down by that same column ("number of X for each X")."""
    for m in mentions:
        lead = " ".join(t.low for t in tokens[max(0, m.start - 3) : m.start])
        role = profile.column(m.column).role
        said = re.search(r"\b(?:different|distinct|unique)$", lead) is not None
        if role not in ("category", "id", "text") and not (role == "number" and said):
            continue  # "how many different party sizes": distinct numbers, when said
        if not (lead and _DISTINCT.search(lead + " ")):
            continue
        again = [o for o in mentions if o.column == m.column and o.start != m.start]
        if not again:
            return m
    return None
