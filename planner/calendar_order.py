"""Weekday and month names in calendar order, for category axes that hold them.

A column of "Sun", "Sat", "Thur", "Fri" sorted by value or alphabet reads wrong; in calendar
order it reads like a week. Names match in any case, in full or abbreviated to three letters or
more ("Thur", "Tues", "Sept"). English names only, from the `calendar` module, which uses the C
locale unless a program changes it (Chartroom never does).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence

from ingest.profile import ColumnProfile

_DAYS = [name.casefold() for name in calendar.day_name]
_MONTHS = [name.casefold() for name in calendar.month_name[1:]]
_MIN_PREFIX = 3


def calendar_order(col: ColumnProfile) -> list[str] | None:
    """The column's values in calendar order when every one of them is a weekday name or every
    one a month name; None otherwise, or when the profile does not hold every value."""
    values = col.values or [value for value, _ in col.top_values]
    if not values or len(values) < col.distinct or col.role not in ("category", "text", "id"):
        return None
    for names in (_DAYS, _MONTHS):
        ranks = [_rank(value, names) for value in values]
        if all(rank is not None for rank in ranks):
            ranked = sorted(zip(ranks, values, strict=True), key=lambda pair: (pair[0], pair[1]))
            return [value for _, value in ranked]
    return None


def _rank(value: str, names: Sequence[str]) -> int | None:
    word = value.strip().rstrip(".").casefold()
    if len(word) < _MIN_PREFIX:
        return None
    matches = [i for i, name in enumerate(names) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None
