"""Question words that name VALUES of the data, not columns: "only EU", "fossil vs nuclear",
"AAPL vs GOOG", "airports in texas", "smokers vs non-smokers".

A value is found in a column's value index (`ColumnProfile.values`, the most frequent values):
- by its whole text, any case ("eu" → "EU"); a value that is also a common word ("US", "Other")
  must be written as it is in the data;
- by another name for it (`planner/words/places.toml`: "texas" → "TX" when the column holds "TX");
- by one distinctive word of a longer value ("fossil" → "Fossil Fuels"), when that word belongs to
  exactly one value of the column;
- for a yes/no column, by its name: "smokers" → smoker = "Yes", "non-smokers" → smoker = "No".
Negations just before ("not", "without", "except", "non") make it an exclusion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.profile import ColumnProfile, DataProfile
from planner.matching import Mention, Token, stem, tokenize
from planner.vocabulary import (
    FILLER_WORDS,
    FUNCTION_WORDS,
    STOP_WORDS,
    US_STATES,
    VALUE_ALIASES,
)

NEGATIONS = frozenset(
    {"not", "except", "excluding", "exclude", "without", "besides", "non", "no", "but", "outside"}
)
_YES = frozenset({"yes", "y", "true", "t", "1"})
_NO = frozenset({"no", "n", "false", "f", "0"})
_MAX_PHRASE = 6  # words in the longest value phrase looked for
# Values that are everyday words: a question must write them as the data does ("No", "Other").
_COMMON_VALUES = frozenset({"no", "yes", "none", "other", "all", "total", "na", "nan", "null", "n"})


@dataclass(frozen=True)
class ValueMention:
    """Tokens `[start, end)` name `value` of `column`; `negated` when the question excludes it."""

    column: str
    value: str
    start: int
    end: int
    negated: bool
    how: str  # "exact", "alias", "word", "flag"


def find_values(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, text: str = ""
) -> list[ValueMention]:
    """Values named in the question, in question order, without overlaps.

    Tokens inside a strong column mention (an exact or synonym match of a column name) are not
    read as values, except a yes/no column's name, which names its "yes" rows.
    """
    strong = {t for m in mentions if m.score >= 2.0 for t in range(m.start, m.end)}
    named = {t for m in mentions for t in range(m.start, m.end)}
    found: list[ValueMention] = []
    taken: set[int] = set()
    for col in profile.columns:
        if col.role in ("category", "boolean") and _is_flag(col):
            found += _flags(tokens, mentions, col)
    for m in found:
        taken |= set(range(m.start, m.end))
    candidates: list[ValueMention] = []
    for col in profile.columns:
        if col.role not in ("category", "boolean", "id", "text") or not col.values:
            continue
        candidates += _exact(tokens, col)
        if col.role in ("category", "boolean"):
            candidates += _aliases(tokens, col)
            candidates += _words(tokens, col)
            candidates += _prefixes(tokens, col)
            candidates += _symbols(text or "", tokens, col)
    rank = {"exact": 0, "symbol": 0, "alias": 1, "word": 2, "prefix": 2}
    for cand in sorted(candidates, key=lambda c: (rank[c.how], -(c.end - c.start), c.start)):
        span = set(range(cand.start, cand.end))
        if span & taken or (span & strong and cand.how != "exact"):
            continue
        if span & named and cand.how in ("word", "prefix"):
            continue  # "type of store": "store" names the Store_Name column, not "Village Store"
        if span & strong and not _beats_column(tokens, cand, mentions):
            continue
        found.append(cand)
        taken |= span
    return sorted(found, key=lambda v: v.start)


_NEGATION_GLUE = frozenset({"in", "the", "for", "from", "of", "at", "on", "to", "a", "an", "any"})


def negated_at(tokens: Sequence[Token], start: int) -> bool:
    """A negation word right before `start`, or before it with only glue words between ("not in
    the EU", "except for APAC"); "non-smokers at dinner" does not negate "dinner"."""
    k = start - 1
    while k >= 0 and start - k <= 4:
        if tokens[k].low in NEGATIONS:
            return True
        if tokens[k].low not in _NEGATION_GLUE:
            return False
        k -= 1
    return False


def _beats_column(tokens: Sequence[Token], cand: ValueMention, mentions: Sequence[Mention]) -> bool:
    """An exact value that is also a synonym of a column name ("rain": the weather value, or the
    precipitation column?) is the value when it follows a filter word ("days of rain", "only
    rain"), the column otherwise ("how much rain")."""
    for m in mentions:
        if m.start <= cand.start < m.end and m.score >= 3.0:
            return False  # the column's own name
    before = tokens[cand.start - 1].low if cand.start > 0 else ""
    return before in ("only", "of", "with", "where", "in", "on", "for", "just", "=", "is")


def _exact(tokens: Sequence[Token], col: ColumnProfile) -> list[ValueMention]:
    lows = [t.low for t in tokens]
    found: list[ValueMention] = []
    for value in col.values:
        words = [t.low for t in tokenize(value)]
        if not words or len(words) > _MAX_PHRASE or len(value) < 2:
            continue
        if all(re.fullmatch(r"[\d.,%-]+", w) for w in words):
            continue  # bare numbers are comparisons or years, not category values
        exact_case = len(words) == 1 and (
            words[0] in STOP_WORDS
            or words[0] in FILLER_WORDS
            or words[0] in FUNCTION_WORDS
            or words[0] in _COMMON_VALUES
        )
        for i in range(len(lows) - len(words) + 1):
            if lows[i : i + len(words)] != words:
                continue
            if exact_case and tokens[i].text != value:
                continue
            found.append(
                ValueMention(col.name, value, i, i + len(words), negated_at(tokens, i), "exact")
            )
    return found


def _aliases(tokens: Sequence[Token], col: ColumnProfile) -> list[ValueMention]:
    """ "texas" → "TX", "usa" → "United States": only values the column really holds."""
    present = {v.lower(): v for v in col.values}
    found: list[ValueMention] = []
    names: dict[str, tuple[str, ...]] = {k: (v,) for k, v in US_STATES.items()}
    names |= VALUE_ALIASES
    lows = [t.low for t in tokens]
    for name, candidates in names.items():
        words = name.split()
        hit = next((present[c.lower()] for c in candidates if c.lower() in present), None)
        if hit is None:
            continue
        for i in range(len(lows) - len(words) + 1):
            if lows[i : i + len(words)] == words:
                found.append(
                    ValueMention(col.name, hit, i, i + len(words), negated_at(tokens, i), "alias")
                )
    return found


def _words(tokens: Sequence[Token], col: ColumnProfile) -> list[ValueMention]:
    """One distinctive word of a longer value: "fossil" → "Fossil Fuels"."""
    owners: dict[str, list[str]] = {}
    for value in col.values:
        words = {stem(t.low) for t in tokenize(value) if t.kind == "word"}
        if len(words) < 2:
            continue
        for word in words:
            owners.setdefault(word, []).append(value)
    found: list[ValueMention] = []
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or len(tok.low) < 3 or tok.low in STOP_WORDS:
            continue
        if tok.low in FILLER_WORDS or tok.stem in STOP_WORDS:
            continue
        values = owners.get(tok.stem, [])
        if len(values) == 1:
            found.append(ValueMention(col.name, values[0], i, i + 1, negated_at(tokens, i), "word"))
    return found


def _prefixes(tokens: Sequence[Token], col: ColumnProfile) -> list[ValueMention]:
    """ "japanese" → "Japan", "european" → "Europe", "rainy" → "rain": a one-word value that
    starts a longer question word, a few letters short of it."""
    found: list[ValueMention] = []
    singles = {v.lower(): v for v in col.values if v.isalpha() and len(v) >= 4}
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or len(tok.low) < 5 or tok.low in STOP_WORDS:
            continue
        for low, value in singles.items():
            if tok.low != low and tok.low.startswith(low) and len(tok.low) - len(low) <= 3:
                found.append(
                    ValueMention(col.name, value, i, i + 1, negated_at(tokens, i), "prefix")
                )
                break
    return found


def _symbols(text: str, tokens: Sequence[Token], col: ColumnProfile) -> list[ValueMention]:
    """Values made of digits and signs ("6+", "0-1", "N/A"), found in the raw question, and
    short codes written exactly ("N vs S" for wind directions)."""
    found: list[ValueMention] = []
    codes = all(len(v) <= 3 for v in col.values) and len(col.values) >= 3
    for value in col.values:
        odd = any(c.isdigit() for c in value) and not value.replace(".", "").isdigit()
        code = codes and value.isupper() and value.isalpha()
        if not (odd or code) or not value.strip():
            continue
        for m in re.finditer(rf"(?<![\w+-]){re.escape(value)}(?![\w+])", text):
            inside = [i for i, t in enumerate(tokens) if m.start() <= t.start < m.end()]
            if inside:
                first = inside[0]
                found.append(
                    ValueMention(
                        col.name, value, first, inside[-1] + 1, negated_at(tokens, first), "symbol"
                    )
                )
    return found


def _is_flag(col: ColumnProfile) -> bool:
    """A column of yes/no answers ("smoker": Yes/No)."""
    kinds = {v.strip().lower() for v in col.values}
    return len(kinds) == 2 and bool(kinds & _YES) and bool(kinds & _NO)


def _flags(
    tokens: Sequence[Token], mentions: Sequence[Mention], col: ColumnProfile
) -> list[ValueMention]:
    """ "smokers" → smoker = Yes; "non-smokers" → smoker = No; "by smoker" stays a breakdown."""
    yes = next(v for v in col.values if v.strip().lower() in _YES)
    no = next(v for v in col.values if v.strip().lower() in _NO)
    found: list[ValueMention] = []
    for m in mentions:
        if m.column != col.name:
            continue
        before = tokens[m.start - 1].low if m.start > 0 else ""
        if before in ("by", "per", "each"):
            continue
        word = tokens[m.start]
        if word.low == word.stem and before not in ("non", "not", "no"):
            continue  # "smoker" alone names the column; "smokers" names the people
        negative = before in ("non", "not", "no")
        start = m.start - 1 if negative else m.start
        found.append(ValueMention(col.name, no if negative else yes, start, m.end, False, "flag"))
    return found
