"""Category filters named by value: "only eu", "for EU and US", "not 'Boril'", "team = NYY".

Values are matched against the profile's most frequent values, case-insensitively, so "only eu"
finds "EU"; a value that is also a common word ("US") must be written as it is in the data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.profile import DataProfile
from planner.matching import Mention, Token, tokenize
from planner.plan import Filter, Scalar
from planner.vocabulary import STOP_WORDS

_NEGATIONS = frozenset({"not", "except", "excluding", "exclude", "without", "besides", "non"})


@dataclass
class FilterReading:
    """Filters read so far and the question tokens they used (so no column is read twice)."""

    filters: list[Filter] = field(default_factory=list)
    used_tokens: set[int] = field(default_factory=set)


def category_values(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    """Known category values named anywhere ("EU", "only eu", "not 'Boril'") become filters."""
    lows = [t.low for t in tokens]
    texts = [t.text for t in tokens]
    strong = {t for m in mentions if m.score >= 2 for t in range(m.start, m.end)}
    picked: dict[tuple[str, bool], list[Scalar]] = {}
    for col in profile.columns:
        if col.role not in ("category", "boolean"):
            continue
        for value, _count in col.top_values:
            words = [t.low for t in tokenize(value)]
            if not words or len(value) < 2:
                continue
            # a value that is also a common word ("US", "Other") must be written as in the data
            exact_only = len(words) == 1 and words[0] in STOP_WORDS
            if all(re.fullmatch(r"[\d.,%-]+", w) for w in words):
                continue  # bare numbers are read as comparisons, not as category values
            for i in range(len(lows) - len(words) + 1):
                span = set(range(i, i + len(words)))
                if lows[i : i + len(words)] != words or span & (out.used_tokens | strong):
                    continue
                if exact_only and texts[i] != value:
                    continue
                negated = any(lows[k] in _NEGATIONS for k in range(max(0, i - 3), i))
                picked.setdefault((col.name, negated), []).append(value)
                out.used_tokens |= span
                for m in mentions:  # "region is EU", "EU region": that column is the filter's
                    if m.column == col.name and (
                        i - 4 <= m.end - 1 < i or m.start == i + len(words)
                    ):
                        out.used_tokens |= set(range(m.start, m.end))
    for (column, negated), values in picked.items():
        unique = list(dict.fromkeys(values))
        if len(unique) == 1:
            out.filters.append(Filter(column=column, op="ne" if negated else "eq", value=unique[0]))
        else:
            out.filters.append(
                Filter(column=column, op="not_in" if negated else "in", value=unique)
            )


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
