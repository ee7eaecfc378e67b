"""Read a question the way it was meant: typos corrected and shorthands spelled out.

People type "temprature", "contnent", "avrage", "mpg", "hp". Before any other reading, each word
that the planner does not know is compared with the words it could have meant (the file's column
names and values, the abbreviations in `planner/words/columns.toml`, the planner's own intent words)
with a real fuzzy matcher (rapidfuzz). A correction is made only when it is clearly the one close
word, and every correction is reported to the person ("Read “temprature” as “temperature”").

Multi-word shorthands ("mpg" → "miles per gallon") are spelled out in the text when the shorthand
is not itself a word of the file; single-word ones ("temp" → "temperature") are left to the column
matcher, which treats them as synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ingest.profile import DataProfile
from planner.markup import without_slack_markup
from planner.matching import canonical, name_stems, stem
from planner.vocabulary import (
    ABBREVIATIONS,
    AGGREGATE_WORDS,
    FILLER_WORDS,
    GRAIN_WORDS,
    INTENT_SHORTHANDS,
    NUMBER_WORDS,
    STOP_WORDS,
    SUPERLATIVES,
    SYNONYM_GROUPS,
    US_STATES,
    VALUE_ALIASES,
)

# Edits (insert, delete, substitute, swap two neighbours) allowed: one in words up to
# `ONE_EDIT_UP_TO` letters, two in longer words; shorter than `MIN_LENGTH`: none at all.
MIN_LENGTH = 5
ONE_EDIT_UP_TO = 8
_WORD = re.compile(r"[^\W\d_]+")
# Words a question uses that are neither columns nor values; never "corrected".
_INTENT_WORDS = frozenset(
    [
        "rolling",
        "moving",
        "cumulative",
        "running",
        "percent",
        "percentage",
        "change",
        "growth",
        "ratio",
        "share",
        "distinct",
        "unique",
        "trailing",
        "smoothed",
        "compare",
        "versus",
        "scatter",
        "histogram",
        "boxplot",
        "stacked",
        "grouped",
        "ascending",
        "descending",
        "chart",
        "graph",
        "table",
        "plot",
        "show",
        "average",
        "median",
        "maximum",
        "minimum",
        "total",
        "yearly",
        "monthly",
        "weekly",
        "daily",
        "quarterly",
        "annual",
        "since",
        "until",
        "before",
        "after",
        "between",
        "during",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
        "weekend",
        "weekday",
        "recent",
        "latest",
        "earliest",
        "previous",
        "last",
        "next",
        "this",
        "current",
        "instead",
        "again",
        "without",
        "except",
        "excluding",
        "including",
        "only",
    ]
)


@dataclass(frozen=True)
class PreparedQuestion:
    """The question with corrections applied, and what was changed, in words for the person."""

    text: str
    notes: list[str] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)  # typed word → read as


def prepare_question(question: str, profile: DataProfile) -> PreparedQuestion:
    """Correct clear typos and spell out multi-word shorthands in `question` for `profile`."""
    text = without_slack_markup(question.replace("’", "'"))
    file_words = _file_words(profile)
    known = file_words | _general_words()
    targets = sorted(file_words | _intent_targets())
    codes = sorted(_codes(profile))
    corrections: dict[str, str] = {}
    notes: list[str] = []

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        low = word.lower()
        expansion = (
            _expansion(low, file_words)
            or _superlative(low, file_words)
            or (INTENT_SHORTHANDS.get(low) if low not in file_words else None)
        )
        if expansion is not None:
            return expansion
        if low in known or stem(low) in known:
            return word
        if len(low) < MIN_LENGTH:
            meant = _closest(low, codes) if len(low) == 4 else None
        else:
            meant = _closest(low, targets) or _closest(stem(low), targets)
        if meant is None:
            return word
        corrections[word] = meant
        return meant

    text = _two_digit_years(_ranked_superlatives(_shorten(text, file_words), file_words), profile)
    fixed = _join_split_words(_WORD.sub(fix, text), file_words)
    for typed, meant in corrections.items():
        notes.append(f"Read “{typed}” as “{meant}”")
    return PreparedQuestion(fixed, notes, corrections)


def _shorten(text: str, file_words: frozenset[str]) -> str:
    """ "gdp per capita" → "gdp percap" when the file's own word is the shorthand."""
    for short, longs in ABBREVIATIONS.items():
        if short not in file_words:
            continue
        for long in longs:
            if " " in long:
                text = re.sub(rf"\b{re.escape(long)}\b", short, text, flags=re.IGNORECASE)
    return text


def _join_split_words(text: str, file_words: frozenset[str]) -> str:
    """ "gdp per cap" → "gdp percap", "horse power" → "horsepower", when the file has the word."""
    words = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = (words[i] + words[i + 1]).lower() if i + 1 < len(words) else ""
        if len(pair) >= 5 and pair.isalpha() and pair in file_words:
            out.append(words[i] + words[i + 1])
            i += 2
            continue
        out.append(words[i])
        i += 1
    return " ".join(out)


def _expansion(low: str, file_words: frozenset[str]) -> str | None:
    """ "mpg" → "miles per gallon", unless the file itself uses the word "mpg"."""
    if low in file_words:
        return None
    longs = ABBREVIATIONS.get(low)
    if not longs or " " not in longs[0]:
        return None
    return longs[0]


def _superlative(low: str, file_words: frozenset[str]) -> str | None:
    """ "heaviest" → "highest weight" when the file has a weight (or mass) column."""
    found = SUPERLATIVES.get(low)
    if found is None:
        return None
    aggregate, concept = found[0], _concept(found[1], file_words)
    if concept is None:
        return None
    return f"{'highest' if aggregate == 'max' else 'lowest'} {concept}"


def _concept(concepts: tuple[str, ...], file_words: frozenset[str]) -> str | None:
    for concept in concepts:
        if concept in file_words or any(
            canonical(stem(w)) == canonical(concept) for w in file_words
        ):
            return concept
    return None


_RANKED = re.compile(
    r"\b(?:(?P<lead>top|bottom)\s+(?P<n1>\d+)\s+(?P<s1>[a-z]+)|(?P<s2>[a-z]+)\s+(?P<n2>\d+))"
    r"\s+(?P<noun>[a-z]+)",
    re.IGNORECASE,
)


_SHORT_YEAR = re.compile(r"(?<![\w'])'(\d{2})\b")


def _two_digit_years(text: str, profile: DataProfile) -> str:
    """ "jul '18", "africa '97": the century that puts the year nearest the data."""

    def full(m: re.Match[str]) -> str:
        two = int(m.group(1))
        years = _data_years(profile)
        centre = (years[0] + years[1]) / 2 if years else 2000
        choices = (1900 + two, 2000 + two)
        return str(min(choices, key=lambda y: abs(y - centre)))

    return _SHORT_YEAR.sub(full, text)


def _data_years(profile: DataProfile) -> tuple[int, int] | None:
    for col in profile.columns:
        if col.role == "time" and col.start and col.end:
            return int(col.start[:4]), int(col.end[:4])
    for col in profile.columns:
        years = col.min is not None and col.max is not None and 1800 <= col.min <= col.max <= 2200
        if col.role == "number" and years:
            return int(col.min or 0), int(col.max or 0)
    return None


_SUPERLATIVE_PERIOD = re.compile(
    r"\b(?P<s>[a-z]+est|[a-z]+most)\s+(?P<unit>day|week|month|quarter|year)s?\b", re.IGNORECASE
)


def _superlative_periods(text: str, file_words: frozenset[str]) -> str:
    """ "windiest month in 2012" → "wind by month in 2012": which month is windiest is read off
    the months ranked by wind, not off one windiest day."""

    def by_period(m: re.Match[str]) -> str:
        found = SUPERLATIVES.get(m.group("s").lower())
        concept = _concept(found[1], file_words) if found else None
        if concept is None:
            return m.group(0)
        return f"{concept} by {m.group('unit').lower()}"

    return _SUPERLATIVE_PERIOD.sub(by_period, text)


def _ranked_superlatives(text: str, file_words: frozenset[str]) -> str:
    """ "heaviest 10 cars" → "top 10 cars by weight"; "top 10 wettest days" → "top 10 days by
    precipitation": a superlative with a number ranks the rows."""

    def rank(m: re.Match[str]) -> str:
        word = (m.group("s1") or m.group("s2")).lower()
        found = SUPERLATIVES.get(word)
        concept = _concept(found[1], file_words) if found else None
        if found is None or concept is None:
            return m.group(0)
        lead = "top" if found[0] == "max" else "bottom"  # "top 5 lightest": the 5 lowest
        if (m.group("lead") or "top").lower() == "bottom":
            lead = "bottom" if lead == "top" else "top"
        return f"{lead} {m.group('n1') or m.group('n2')} {m.group('noun')} by {concept}"

    return _RANKED.sub(rank, _superlative_periods(text, file_words))


def _closest(word: str, targets: list[str]) -> str | None:
    edits = 1 if len(word) <= ONE_EDIT_UP_TO else 2
    found = process.extract(word, targets, scorer=OSA.distance, limit=2, score_cutoff=edits)
    if not found:
        return None
    best, distance, _ = found[0]
    if len(found) > 1 and found[1][1] == distance and stem(found[1][0]) != stem(best):
        return None  # two different words are equally close: guessing would mislead
    return str(best)


def _file_words(profile: DataProfile) -> frozenset[str]:
    """Every word of the file's column names and of its category values, lower case."""
    words: set[str] = set()
    for col in profile.columns:
        words.update(_words(col.name))
        words.update(name_stems(col.name))
        if col.role in ("category", "boolean"):
            for value in col.values:
                words.update(_words(value))
    for stems in list(words):
        for short, longs in ABBREVIATIONS.items():
            if stems == short:
                words.update(w for phrase in longs for w in phrase.split())
    return frozenset(w for w in words if len(w) > 1)


def _codes(profile: DataProfile) -> set[str]:
    """Short all-capital names and values ("AAPL", "GOOG"), lower case: typed codes are often
    one letter off ("appl")."""
    found = {c.name for c in profile.columns}
    for col in profile.columns:
        if col.role in ("category", "boolean"):
            found.update(col.values[:100])
    return {c.lower() for c in found if c.isupper() and c.isalpha() and 3 <= len(c) <= 5}


def _words(text: str) -> Iterable[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return (w.lower() for w in _WORD.findall(spaced))


@cache
def _general_words() -> frozenset[str]:
    synonyms = {w for group in SYNONYM_GROUPS for w in group}
    return frozenset(
        STOP_WORDS
        | FILLER_WORDS
        | _INTENT_WORDS
        | synonyms
        | AGGREGATE_WORDS.keys()
        | GRAIN_WORDS.keys()
        | NUMBER_WORDS.keys()
        | ABBREVIATIONS.keys()
        | US_STATES.keys()
        | SUPERLATIVES.keys()
        | VALUE_ALIASES.keys()
    )


@cache
def _intent_targets() -> frozenset[str]:
    return frozenset(
        w
        for w in _INTENT_WORDS | AGGREGATE_WORDS.keys() | GRAIN_WORDS.keys() | STOP_WORDS
        if len(w) >= MIN_LENGTH + 1
    )
