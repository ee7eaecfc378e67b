"""Words the rule-based planner knows, loaded once from the data files in `planner/words/`.

The words live in TOML files, not in code, so that widening the planner's reading (a synonym, an
abbreviation, a place name, a kind of measure) is a one-line edit of data:

- `english.toml`: stop words, fillers, aggregate, grain and count words.
- `columns.toml`: synonyms, unit words and abbreviations people use for column names.
- `measures.toml`: which words make a number a level or a rate rather than an amount.
- `places.toml`: place names for the codes files hold ("texas" → "TX").
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any, cast

from planner.plan import Aggregate, TimeGrain

_WORDS_DIR = Path(__file__).parent / "words"


@cache
def _load(name: str) -> dict[str, Any]:
    with (_WORDS_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH = _load("english")
_COLUMNS = _load("columns")
_MEASURES = _load("measures")
_PLACES = _load("places")

# Words that never name a column by themselves (they may still be part of a multi-word name).
STOP_WORDS = _word_set(_ENGLISH["stop_words"])
# Words with no meaning of their own in a request; never reported as unused.
FILLER_WORDS = _word_set(_ENGLISH["filler_words"])
# Grammar and request verbs: never a request of their own, never reported as unused.
FUNCTION_WORDS = _word_set(_ENGLISH["function_words"])
# Filler words allowed inside a multi-word column name match ("number of platforms").
FILLERS = _word_set(_ENGLISH["name_fillers"])
# Weak words: they may match a column only as a whole name, never as one part of a longer name.
WEAK_WORDS = _word_set(_ENGLISH["weak_words"])
GROUP_WORDS = _word_set(_ENGLISH["group_words"])
COLOR_PHRASES: tuple[str, ...] = tuple(_ENGLISH["color_phrases"])
COUNT_PHRASES: tuple[str, ...] = tuple(_ENGLISH["count_phrases"])
NUMBER_WORDS: dict[str, int] = dict(_ENGLISH["numbers"])
AGGREGATE_WORDS: dict[str, Aggregate] = cast(dict[str, Aggregate], dict(_ENGLISH["aggregates"]))
LOOSE_AGGREGATE_WORDS = _word_set(_ENGLISH["loose_aggregates"]["words"])
GRAIN_WORDS: dict[str, TimeGrain] = cast(dict[str, TimeGrain], dict(_ENGLISH["grains"]))
# "heaviest" → ("max", ("weight", "mass")): the aggregate, then the measure's possible words.
SUPERLATIVES: dict[str, tuple[str, tuple[str, ...]]] = {
    word: (spec[0], tuple(spec[1:])) for word, spec in _ENGLISH["superlatives"].items()
}

SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split()) for group in _COLUMNS["synonyms"]
)
UNIT_WORDS = _word_set(_COLUMNS["unit_words"])
# What people type → the phrases it stands for ("mpg" → "miles per gallon").
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    short: tuple(long) for short, long in _COLUMNS["abbreviations"].items()
}

AMOUNT_WORDS = _word_set(_MEASURES["amount"])
INTENSIVE_WORDS = _word_set(_MEASURES["intensive"])
STOCK_WORDS = _word_set(_MEASURES["stock"])

US_STATES: dict[str, str] = dict(_PLACES["us_states"])
VALUE_ALIASES: dict[str, tuple[str, ...]] = {
    name: tuple(values) for name, values in _PLACES["aliases"].items()
}
