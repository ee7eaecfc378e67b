"""What kind of quantity a number column holds, and so how its rows combine by default.

Summing is right for amounts (revenue, units, votes, rainfall) and wrong for everything that does
not add up: an average life expectancy, a price, a temperature, a rate (intensive quantities), and a
level counted at a moment (population, employment) summed over several moments. The kind is read
from the words of the column's name (`planner/words/measures.toml`); a stock word in the file's
name ("us-employment.csv") makes its unlabelled number columns levels too.
"""

from __future__ import annotations

from typing import Literal

from ingest.profile import DataProfile
from planner.matching import name_stems
from planner.vocabulary import AMOUNT_WORDS, INTENSIVE_WORDS, STOCK_WORDS

MeasureKind = Literal["amount", "intensive", "stock"]

KIND_WORDS: dict[MeasureKind, str] = {
    "amount": "an amount",
    "intensive": "a rate or level, not an amount",
    "stock": "a level at a point in time",
}


def measure_kind(column: str, profile: DataProfile) -> MeasureKind:
    """How `column` of the file behind `profile` adds up (see the module docstring)."""
    words = set(name_stems(column)) | {column.lower()}
    if words & AMOUNT_WORDS:
        return "amount"
    if words & INTENSIVE_WORDS:
        return "intensive"
    if words & STOCK_WORDS:
        return "stock"
    if set(name_stems(profile.file_name.rsplit(".", 1)[0])) & STOCK_WORDS:
        return "stock"
    return "amount"
