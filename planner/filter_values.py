"""Category filters: values named (found by `planner.values`) and values stated outright.

"only eu", "for EU and US", "not 'Boril'", "team = NYY". Two or more values of one column compared
("EU vs US", "fossil vs nuclear") keep those rows AND split the chart by that column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.profile import DataProfile
from planner.matching import Mention, Token
from planner.plan import Filter, FilterOp
from planner.values import ValueMention

_COMPARE = frozenset({"vs", "versus", "against", "compare", "compared", "comparing"})


@dataclass
class FilterReading:
    """Filters read so far and the question tokens they used (so no column is read twice)."""

    filters: list[Filter] = field(default_factory=list)
    used_tokens: set[int] = field(default_factory=set)
    splits: list[str] = field(default_factory=list)  # columns compared by value ("EU vs US")


def value_filters(
    tokens: Sequence[Token],
    mentions: Sequence[Mention],
    values: Sequence[ValueMention],
    out: FilterReading,
) -> None:
    """Values named in the question as filters; a comparison of two or more ("EU vs US",
    "fossil vs nuclear") also splits the chart by their column (`out.splits`)."""
    picked: dict[tuple[str, bool], list[ValueMention]] = {}
    for v in values:
        picked.setdefault((v.column, v.negated), []).append(v)
        out.used_tokens |= set(range(v.start, v.end))
        for m in mentions:  # "region is EU", "EU region": that column is the filter's
            if m.column == v.column and (v.start - 4 <= m.end - 1 < v.start or m.start == v.end):
                out.used_tokens |= set(range(m.start, m.end))
    lows = [t.low for t in tokens]
    for (column, negated), named in picked.items():
        unique = list(dict.fromkeys(v.value for v in named))
        if len(unique) == 1:
            out.filters.append(Filter(column=column, op="ne" if negated else "eq", value=unique[0]))
            continue
        op: FilterOp = "not_in" if negated else "in"
        out.filters.append(Filter(column=column, op=op, value=list(unique)))
        first, last = named[0].start, named[-1].end
        between = set(lows[first:last]) | set(lows[max(0, first - 3) : first])
        compared = between & _COMPARE or any(w in _COMPARE for w in lows)
        # "tips on sat and sun by gender": two values beside another breakdown are compared too
        beside = any(
            m.column != column and tokens[m.start - 1].low in ("by", "per", "across")
            for m in mentions
            if m.start > 0
        )
        if not negated and (compared or beside):
            out.splits.append(column)


def stated_equals(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    """ "where name is Bob", "team = NYY": a value not among the frequent ones, stated outright."""
    for m in mentions:
        if (
            profile.column(m.column).role not in ("category", "text", "id")
            or m.end in out.used_tokens
        ):
            continue
        k = m.end
        negated = False
        if k < len(tokens) and tokens[k].low in ("is", "=", "==", "equals", "!="):
            negated = tokens[k].low == "!="
            k += 1
            if k < len(tokens) and tokens[k].low == "not":
                negated, k = True, k + 1
        else:
            continue
        stated = m.start > 0 and tokens[m.start - 1].low in ("where", "whose", "with")
        if k >= len(tokens) or tokens[k].kind not in ("word", "num") or k in out.used_tokens:
            continue
        if not stated and tokens[k - 1].low not in ("=", "==", "!="):
            continue
        out.filters.append(
            Filter(column=m.column, op="ne" if negated else "eq", value=tokens[k].text)
        )
        out.used_tokens |= set(range(m.start, k + 1))
