"""Read a question into intents: chart wished for, how to combine rows, sorting, top N, time grain.

Everything here looks at words only, never at the file; `planner.rules` pairs these intents with the
columns that `planner.matching` found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from planner.matching import Mention, Token
from planner.plan import Aggregate, ChartType, TimeGrain
from planner.vocabulary import (
    AGGREGATE_WORDS,
    COLOR_PHRASES,
    GRAIN_WORDS,
    LOOSE_AGGREGATE_WORDS,
    NUMBER_WORDS,
)

Order = Literal["asc", "desc"]

_CHART_WORDS: tuple[tuple[str, ChartType], ...] = (
    (r"\bpie\b|\bdonut\b|\bdoughnut\b", "pie"),
    (r"\bscatter|\bpoint (?:chart|plot)\b", "scatter"),
    (r"\bbox(?:es)?(?: and whiskers?)? ?(?:plot|chart|graph)s?\b|\bboxplot|\bwhisker", "box"),
    (r"\bline (?:chart|graph|plot)|\bline\b|\blines\b", "line"),
    (r"\bhistogram", "histogram"),
    (r"\bbar\b|\bbars\b|\bbar ?(?:chart|graph)|\bcolumn (?:chart|graph)|\bbarchart", "bar"),
)
_SOFT_CHART_WORDS: tuple[tuple[str, ChartType], ...] = (
    (
        r"\btrend|\bover time\b|\btime ?series|\btimeline|\bover the (?:years|months|weeks|days)"
        r"|\bgrowth\b|\bhistory\b",
        "line",
    ),
    (r"\bcorrelat|\brelationship between|\bagainst\b|\bvs\.?\b|\bversus\b", "scatter"),
)
_ASC = (
    r"\basc\b|\bascending|\bincreasing|\blow(?:est)? to high|\bsmall(?:est)? to (?:large|big)"
    r"|\bleast to most|\ba to z\b|\ba-z\b|\balphabetical|\bearliest first|\boldest first"
    r"|\bsmallest first|\blowest first"
)
_DESC = (
    r"\bdesc\b|\bdescending|\bdecreasing|\bhigh(?:est)? to low|\b(?:large|big)(?:st)? to small"
    r"|\bmost to least|\bz to a\b|\blatest first|\bnewest first|\blargest first|\bhighest first"
    r"|\bbiggest first"
)
_SORT_X = (
    r"\bx\b|\bx-axis|\balphabetical|\ba to z\b|\ba-z\b|\bz to a\b|\bby (?:the )?names?\b"
    r"|\bchronological|\bby (?:the )?(?:date|time)\b"
)
_SORT_Y = (
    r"\by\b|\by-axis|\bby (?:the )?bars?\b|\bby (?:the )?(?:value|values|count|counts|number|size)"
    r"\b|\btotal number\b|\bby (?:the )?(?:total|amount|height)\b"
)
_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
_TOP = (
    rf"\b(?:top|first|highest|largest|biggest|best|most)\s+{_NUM}\b",
    rf"\b{_NUM}\s+(?:largest|biggest|highest|top|most|best|greatest)\b",
)
_BOTTOM = (
    # "last 5", but not "last 6 months": that is a date range (planner.dates)
    rf"\b(?:bottom|lowest|smallest|least|worst|last)\s+{_NUM}\b"
    r"(?!\s+(?:days?|weeks?|months?|quarters?|years?)\b)",
    rf"\b{_NUM}\s+(?:smallest|lowest|least|bottom|worst)\b",
)
_GRAIN_PHRASE = re.compile(
    r"\b(?:daily|weekly|monthly|quarterly|yearly|annually|annual)\b"
    r"|\b(?:by|per|each|every|a|over the|over|bin(?:ned)? (?:\w+ )*?(?:by|into)(?: the)?)\s+"
    r"(day|week|month|quarter|year)s?\b"
)
# Phrases that carry intent read elsewhere (stacked, distribution...): understood words.
_INTENT_EXTRAS = (
    r"\bstack(?:ed|ing)?\b",
    r"\bgrouped bar|\bside[ -]by[ -]side|\bclustered",
    r"\bdistribution|\bfrequenc(?:y|ies)\b",
    r"\bspread\b|\bvariation|\boutliers?\b",
    r"\bpropo?r?tions?\b|\bbreakdown\b",
    r"\bover time\b|\btime ?series\b|\btrends?\b",
    r"\bcompar(?:e|ed|ing|ison)\b",
)
_COUNT = re.compile(
    r"\bhow many\b|\b(?:the |total )?numbers? of\b|\bcount(?:s|ing)?\b|\btotal number\b"
    r"|\bfrequenc(?:y|ies)\b|\btally\b"
)


@dataclass(frozen=True)
class Reading:
    """Intents read from a question. Character spans let the planner skip words already used."""

    text: str
    chart: ChartType | None = None
    soft_chart: ChartType | None = None
    stacked: bool = False
    grouped: bool = False
    distribution: bool = False
    spread: bool = False
    proportion: bool = False
    loose_aggregate: Aggregate | None = None
    count_spans: list[tuple[int, int]] = field(default_factory=list)
    grain: TimeGrain | None = None
    grain_span: tuple[int, int] | None = None
    sort_order: Order | None = None
    sort_by: Literal["x", "y"] | None = None
    limit: int | None = None
    limit_order: Order = "desc"
    used_spans: list[tuple[int, int]] = field(default_factory=list)
    color_spans: list[tuple[int, int]] = field(default_factory=list)

    def used(self, tok: Token) -> bool:
        """True when `tok` sits inside a phrase already read as an intent (e.g. "top 5")."""
        return any(a <= tok.start < b for a, b in self.used_spans)


def read_question(question: str) -> Reading:
    """Read the intents of `question`; never fails, an empty question gives an empty reading."""
    text = " ".join(question.replace("’", "'").split())
    low = text.lower()
    used: list[tuple[int, int]] = []
    limit, limit_order = _limit(low, used)
    grain, grain_span = _grain(low)
    return Reading(
        text=text,
        chart=_first_chart(low, _CHART_WORDS),
        soft_chart=_first_chart(low, _SOFT_CHART_WORDS),
        stacked=re.search(r"\bstack(?:ed|ing)?\b", low) is not None,
        grouped=re.search(r"\bgrouped bar|\bside[ -]by[ -]side|\bclustered", low) is not None,
        distribution=re.search(r"\bdistribution|\bhistogram|\bfrequenc", low) is not None,
        spread=re.search(r"\bspread\b|\bvariation|\bbox|\bwhisker|\boutlier", low) is not None,
        proportion=re.search(r"\bpropo?r?tion|\bshare\b|\bpercentage of\b|\bbreakdown", low)
        is not None,
        loose_aggregate=_loose_aggregate(low),
        count_spans=[m.span() for m in _COUNT.finditer(low)],
        grain=grain,
        grain_span=grain_span,
        sort_order=_sort_order(low),
        sort_by=_sort_by(low),
        limit=limit,
        limit_order=limit_order,
        used_spans=used,
        color_spans=[
            m.span() for phrase in COLOR_PHRASES for m in re.finditer(rf"\b{phrase}\b", low)
        ],
    )


def intent_spans(reading: Reading) -> list[tuple[int, int]]:
    """Every stretch of the question that an intent phrase used: chart words, sort words, top N,
    time grain, count and colour phrases. Words inside them are understood, never "unused"."""
    low = reading.text.lower()
    spans = [*reading.used_spans, *reading.color_spans, *reading.count_spans]
    if reading.grain_span:
        spans.append(reading.grain_span)
    patterns = [p for p, _ in (*_CHART_WORDS, *_SOFT_CHART_WORDS)]
    patterns += [_ASC, _DESC, _SORT_X, _SORT_Y, *_INTENT_EXTRAS]
    for pattern in patterns:
        spans += [m.span() for m in re.finditer(pattern, low)]
    return spans


def aggregate_word(tokens: Sequence[Token], reading: Reading) -> dict[int, Aggregate]:
    """Token index → aggregate for every aggregate word not used by another phrase ("top 5")."""
    found: dict[int, Aggregate] = {}
    for i, tok in enumerate(tokens):
        agg = AGGREGATE_WORDS.get(tok.low)
        if agg is None or reading.used(tok):
            continue
        nxt = tokens[i + 1].low if i + 1 < len(tokens) else ""
        if tok.low == "total" and nxt in ("number", "numbers", "count"):
            continue  # "total number of X" counts rows
        found[i] = agg
    return found


def _first_chart(low: str, table: Sequence[tuple[str, ChartType]]) -> ChartType | None:
    hits = [(m.start(), chart) for pattern, chart in table for m in re.finditer(pattern, low)]
    return min(hits)[1] if hits else None


def _loose_aggregate(low: str) -> Aggregate | None:
    for word in re.findall(r"[a-z]+", low):
        if word in LOOSE_AGGREGATE_WORDS:
            return AGGREGATE_WORDS[word]
    return None


def loose_aggregate(tokens: Sequence[Token], mentions: Sequence[Mention]) -> Aggregate | None:
    """The first loose aggregate word ("average", "max") that is not part of a column's name
    ("temp max" is the `temp_max` column, not a maximum)."""
    inside = {t for m in mentions for t in range(m.start, m.end)}
    for i, tok in enumerate(tokens):
        if i not in inside and tok.low in LOOSE_AGGREGATE_WORDS:
            return AGGREGATE_WORDS[tok.low]
    return None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _limit(low: str, used: list[tuple[int, int]]) -> tuple[int | None, Order]:
    for patterns, order in ((_TOP, "desc"), (_BOTTOM, "asc")):
        for pattern in patterns:
            m = re.search(pattern, low)
            if m and 1 <= _number(m.group(1)) <= 1000:
                used.append(m.span())
                return _number(m.group(1)), order  # type: ignore[return-value]
    return None, "desc"


def _grain(low: str) -> tuple[TimeGrain | None, tuple[int, int] | None]:
    if re.search(r"\bover the years\b", low):
        m = re.search(r"\bover the years\b", low)
        return "Y", m.span() if m else None
    m = _GRAIN_PHRASE.search(low)
    if not m:
        return None, None
    word = m.group(1) or m.group(0)
    return GRAIN_WORDS[word.split()[-1]], m.span()


def _sort_order(low: str) -> Order | None:
    asc = re.search(_ASC, low)
    desc = re.search(_DESC, low)
    if asc and desc:
        return "asc" if asc.start() < desc.start() else "desc"
    if asc:
        return "asc"
    return "desc" if desc else None


def _sort_by(low: str) -> Literal["x", "y"] | None:
    x = re.search(_SORT_X, low)
    y = re.search(_SORT_Y, low)
    if x and y:
        return "x" if x.start() < y.start() else "y"
    if x:
        return "x"
    return "y" if y else None
