"""What each named column is doing in the question: measure, breakdown, colour, axis, or counted.

A column's part is read from the few words just before it ("average price", "by region",
"number of orders", "x axis is date"). Question words that look like field names but match no
column are collected too, so that "profit by region" can say that there is no "profit".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from ingest.profile import ColumnRole, DataProfile
from planner import defaults
from planner.matching import Mention, Token, canonical, is_stop, name_stems
from planner.plan import Aggregate
from planner.question import Reading, aggregate_word
from planner.vocabulary import AGGREGATE_WORDS, GRAIN_WORDS, GROUP_WORDS

_SKIP = frozenset({"the", "a", "an", "of", "all", "their", "its", "his", "her", "s"})
_AXIS_GLUE = frozenset({"is", "as", "the", "of", "on", "for", "be", "shows", "showing", "to"})
_VS = frozenset({"vs", "versus", "against"})
_SORT_VERBS = frozenset({"sort", "sorted", "order", "ordered", "rank", "ranked", "sorting"})


@dataclass
class Slot:
    """One column named in the question and the part the nearby words give it."""

    column: str
    role: ColumnRole
    start: int
    aggregate: Aggregate | None = None
    counted: bool = False
    grouped: bool = False
    colored: bool = False
    after_vs: bool = False
    after_over: bool = False
    joined: bool = False  # "by region and product": product joins the breakdown
    sort_only: bool = False
    axis: Literal["x", "y"] | None = None
    ordinal: bool = False  # a number column read as a breakdown ("by year")


@dataclass
class Slots:
    slots: list[Slot] = field(default_factory=list)
    sort_column: str | None = None  # "sorted by region"
    counts_rows: bool = False  # "how many orders" with no column for "orders": count rows
    count_noun: str | None = None
    unmatched_measure: list[str] = field(default_factory=list)
    unmatched_group: list[str] = field(default_factory=list)
    unmatched_other: list[str] = field(default_factory=list)
    row_noun_tokens: set[int] = field(default_factory=set)  # words naming the rows ("cars")
    all_rows: bool = False  # "all stocks": every series of the file, not a count
    ranked: bool = False  # "top 10 cars": the rows are ranked


def read_slots(
    tokens: Sequence[Token],
    mentions: Sequence[Mention],
    used: set[int],
    reading: Reading,
    profile: DataProfile,
) -> Slots:
    """Give every mentioned column its part; list unmatched words that sit where a field would."""
    aggs = aggregate_word(tokens, reading)
    count_ends = _count_ends(tokens, reading, mentions)
    covered = {t for m in mentions for t in range(m.start, m.end)} | used
    out = Slots()
    merged: dict[str, Slot] = {}
    for m in mentions:
        if set(range(m.start, m.end)) <= used:
            continue
        lead = _lead(tokens, m.start, _SKIP)
        near = _lead(tokens, m.start, _SKIP)
        slot = Slot(column=m.column, role=profile.column(m.column).role, start=m.start)
        slot.aggregate = next((aggs[k] for k in lead[:1] if k in aggs), None)
        slot.counted = any(k in count_ends for k in (*near[:1], m.start - 1)) or (
            m.end < len(tokens) and tokens[m.end].low in ("count", "counts")
        )  # "species count by island"
        slot.grouped = bool(near) and (
            tokens[near[0]].low in GROUP_WORDS or _phrase_before(tokens, near[0], ("based", "on"))
        )
        slot.colored = any(a <= tokens[m.start].start <= b + 12 for a, b in reading.color_spans)
        slot.after_vs = bool(near) and tokens[near[0]].low in _VS
        slot.after_over = bool(near) and tokens[near[0]].low == "over"
        slot.joined = (
            m.start >= 2
            and tokens[m.start - 1].low in ("and", ",")
            and any(p.end == m.start - 1 for p in mentions)
        )
        slot.sort_only = _after_sort_verb(tokens, m.start)
        if slot.sort_only:
            out.sort_column = out.sort_column or m.column
        slot.axis = _axis(tokens, m)
        if m.column in merged:
            _merge(merged[m.column], slot)
        else:
            merged[m.column] = slot
            out.slots.append(slot)
    _row_counts(tokens, mentions, count_ends, profile, out)
    _row_nouns(tokens, covered, profile, out)
    _unmatched(tokens, covered | out.row_noun_tokens, aggs, count_ends, reading, out)
    return out


def _row_counts(
    tokens: Sequence[Token],
    mentions: Sequence[Mention],
    count_ends: set[int],
    profile: DataProfile,
    out: Slots,
) -> None:
    """A count phrase not before a number column counts rows: "how many orders", "count by"."""
    starts = {m.start: m.column for m in mentions}
    for i in sorted(count_ends):
        if i + 1 in count_ends:
            continue
        k = i + 1
        while k < len(tokens) and tokens[k].low in _SKIP:
            k += 1
        column = starts.get(k)
        if column is not None and profile.column(column).role == "number":
            continue
        out.counts_rows = True
        noun = column is None and k < len(tokens) and tokens[k].kind == "word"
        if noun and (not is_stop(tokens[k]) or tokens[k].stem in ("order", "record", "entry")):
            out.count_noun = out.count_noun or tokens[k].low


def row_nouns(profile: DataProfile) -> frozenset[str]:
    """What the rows are, from the file's name: "airports.csv" holds airports, "cars.json" cars.
    Synonyms count too ("jobs" in "us-employment.csv"), and so does the step of a regular
    series: the rows of a daily file are days."""
    stem_of_name = profile.file_name.rsplit(".", 1)[0]
    nouns = {s for s in name_stems(stem_of_name) if len(s) > 2 and not s.isdigit()}
    unit = row_unit(profile)
    return frozenset(nouns | {canonical(n) for n in nouns} | ({unit} if unit else set()))


def row_unit(profile: DataProfile) -> str | None:
    """ "day" when each row is one day of a daily series (likewise week, month, year)."""
    time = defaults.time_column(profile)
    if time is None or profile.column(time).distinct < 0.9 * profile.rows:
        return None
    return defaults.series_step(profile.column(time))


def _row_nouns(
    tokens: Sequence[Token], covered: set[int], profile: DataProfile, out: Slots
) -> None:
    """ "top 10 states by airports" in airports.csv: the airports are the rows, so count them."""
    nouns = row_nouns(profile)
    for i, tok in enumerate(tokens):
        if i in covered or tok.kind != "word":
            continue
        if tok.stem in nouns or canonical(tok.stem) in nouns:
            out.row_noun_tokens.add(i)
            if tok.low != tok.stem:  # a plural names the rows: "airports", "cars"
                out.count_noun = out.count_noun or tok.low
            before = [t.low for t in tokens[max(0, i - 3) : i]]
            out.all_rows |= bool(before) and before[-1] in ("all", "every")
            out.ranked |= any(w in ("top", "bottom") for w in before)


def _lead(tokens: Sequence[Token], start: int, skip: frozenset[str]) -> list[int]:
    """Indices of up to two meaningful words before `start`, nearest first."""
    found: list[int] = []
    k = start - 1
    while k >= 0 and len(found) < 2 and start - k <= 4:
        if tokens[k].low not in skip:
            found.append(k)
        k -= 1
    return found


def _phrase_before(tokens: Sequence[Token], end: int, words: tuple[str, ...]) -> bool:
    begin = end - len(words) + 1
    return begin >= 0 and tuple(t.low for t in tokens[begin : end + 1]) == words


def _count_ends(tokens: Sequence[Token], reading: Reading, mentions: Sequence[Mention]) -> set[int]:
    """Token indices of count phrases ("how many", "number of") outside column names."""
    inside = {t for m in mentions for t in range(m.start, m.end)}
    ends: set[int] = set()
    for a, b in reading.count_spans:
        idx = [i for i, t in enumerate(tokens) if a <= t.start < b]
        # "sorted by the total number" orders the chart; it does not ask for a count
        after_sort = idx and any(
            tokens[k].low in _SORT_VERBS for k in range(max(0, idx[0] - 4), idx[0])
        )
        if idx and not set(idx) & inside and not after_sort:
            ends |= set(idx)
    return ends


def _after_sort_verb(tokens: Sequence[Token], start: int) -> bool:
    k = start - 1
    while k >= 0 and tokens[k].low in ("the", "by", "in", "of"):
        k -= 1
    return k >= 0 and k < start - 1 and tokens[k].low in _SORT_VERBS


def _axis(tokens: Sequence[Token], m: Mention) -> Literal["x", "y"] | None:
    k = m.start - 1
    while k >= 0 and tokens[k].low in _AXIS_GLUE and m.start - k < 4:
        k -= 1
    if k >= 1 and tokens[k].low == "axis" and tokens[k - 1].low in ("x", "y"):
        return "x" if tokens[k - 1].low == "x" else "y"
    k = m.end
    while k < len(tokens) and tokens[k].low in _AXIS_GLUE and k - m.end < 3:
        k += 1
    named = m.end < k < len(tokens) - 1 and tokens[k].low in ("x", "y")
    if named and tokens[k + 1].low in ("axis", "axes"):
        return "x" if tokens[k].low == "x" else "y"
    return None


def _merge(first: Slot, again: Slot) -> None:
    first.aggregate = first.aggregate or again.aggregate
    first.counted |= again.counted
    first.grouped |= again.grouped
    first.colored |= again.colored
    first.axis = first.axis or again.axis
    first.after_over |= again.after_over
    first.joined |= again.joined
    first.sort_only &= again.sort_only


def _unmatched(
    tokens: Sequence[Token],
    covered: set[int],
    aggs: dict[int, Aggregate],
    count_ends: set[int],
    reading: Reading,
    out: Slots,
) -> None:
    """Sort words that match no column by where they sit: measure spot, breakdown spot, other."""

    def free(i: int) -> bool:
        tok = tokens[i]
        return (
            tok.kind == "word"
            and i not in covered
            and not reading.used(tok)
            and not is_stop(tok)
            and tok.low not in AGGREGATE_WORDS
            and tok.low not in GRAIN_WORDS
            and len(tok.low) > 1
        )

    for i, tok in enumerate(tokens):
        if not free(i):
            continue
        lead = _lead(tokens, i, _SKIP)
        prev = tokens[lead[0]].low if lead else ""
        if lead and lead[0] in count_ends:
            continue  # "how many orders": the rows are the orders
        if lead and lead[0] in aggs:
            out.unmatched_measure.append(tok.text)
        elif prev in ("by", "per", "across") or _phrase_before(tokens, i - 1, ("for", "each")):
            out.unmatched_group.append(tok.text)
        elif i + 1 < len(tokens) and tokens[i + 1].low in ("by", "per", "vs", "versus", "over"):
            first_content = not any(free(k) or k in covered for k in range(i))
            if first_content or (lead and lead[0] in aggs):
                out.unmatched_measure.append(tok.text)
            else:
                out.unmatched_other.append(tok.text)
        else:
            out.unmatched_other.append(tok.text)
