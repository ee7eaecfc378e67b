"""Read row filters from a question: "price over 100", "only eu", "since july 2018", "not APAC".

Three readers feed this one: numbers compared here ("price over 100", "age between 20 and 30"),
values named (`planner.values`: "only eu", "fossil vs nuclear", "airports in texas") and dates
(`planner.dates`: "in 2014", "last 6 months"). Each filter reports the question tokens it used, so
that the columns it names are not also read as the chart's axes, and none of its words is reported
as unused.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.profile import DataProfile
from planner.dates import DateReading
from planner.filter_values import FilterReading, stated_equals, value_filters
from planner.matching import Mention, Token
from planner.plan import Filter, FilterOp, Scalar
from planner.values import ValueMention

_COMPARATORS: tuple[tuple[tuple[str, ...], FilterOp], ...] = (
    (("greater than or equal to",), "gte"),
    (("less than or equal to",), "lte"),
    (("at least", "no less than", "not less than", ">="), "gte"),
    (("at most", "no more than", "not more than", "up to", "<="), "lte"),
    (
        (
            "greater than",
            "more than",
            "higher than",
            "bigger than",
            "larger than",
            "older than",
            "over",
            "above",
            "exceeds",
            "exceeding",
            "exceed",
            ">",
        ),
        "gt",
    ),
    (
        (
            "less than",
            "lower than",
            "smaller than",
            "fewer than",
            "younger than",
            "under",
            "below",
            "<",
        ),
        "lt",
    ),
    (("is not", "not equal to", "!="), "ne"),
    (("equal to", "equals", "is", "=", "=="), "eq"),
)


def read_filters(
    tokens: Sequence[Token],
    mentions: Sequence[Mention],
    profile: DataProfile,
    *,
    values: Sequence[ValueMention] = (),
    dates: DateReading | None = None,
) -> FilterReading:
    """Every filter the question states, with the token positions it consumed."""
    out = FilterReading()
    if dates is not None:
        out.filters += dates.filters
        out.used_tokens |= {
            i for i, t in enumerate(tokens) for a, b in dates.spans if a <= t.start < b
        }
    _between(tokens, mentions, profile, out)
    _comparisons(tokens, mentions, profile, out)
    _open_ended(tokens, mentions, profile, out)
    _compass(tokens, profile, out)
    _counted_things(tokens, mentions, profile, out)
    value_filters(tokens, mentions, values, out)
    stated_equals(tokens, mentions, profile, out)
    return out


def _number(tok: Token) -> float | int | None:
    if tok.kind != "num":
        return None
    text = tok.text.replace(",", "").rstrip("%")
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _is_year(value: float | int | None) -> bool:
    return isinstance(value, int) and 1800 <= value <= 2200


def _role(profile: DataProfile, column: str) -> str:
    return profile.column(column).role


def _time_column(profile: DataProfile, mentions: Sequence[Mention]) -> str | None:
    for m in mentions:
        if _role(profile, m.column) == "time":
            return m.column
    times = profile.names("time")
    return times[0] if times else None


def _year_column(profile: DataProfile) -> str | None:
    for col in profile.columns:
        if col.role == "number" and "year" in col.name.lower():
            return col.name
    return None


def _right_before(tokens: Sequence[Token], m: Mention, i: int) -> bool:
    """`m` ends just before token `i`, allowing a linking verb ("price is between")."""
    glue = {"is", "are", "was", "were", "be", "of", "that", "which"}
    return m.end <= i and all(tokens[k].low in glue for k in range(m.end, i)) and i - m.end <= 2


def _between(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    for i, tok in enumerate(tokens):
        if tok.low != "between" or i + 3 >= len(tokens) or tokens[i + 2].low != "and":
            continue
        if {i, i + 1, i + 3} & out.used_tokens:
            continue  # a date range, already read by planner.dates
        low_tok, high_tok = tokens[i + 1], tokens[i + 3]
        lo, hi = _number(low_tok), _number(high_tok)
        before = [
            m
            for m in mentions
            if _right_before(tokens, m, i) and _role(profile, m.column) in ("number", "id", "time")
        ]
        col = before[-1].column if before else None
        if (col and _role(profile, col) == "time") or (col is None and low_tok.kind == "date"):
            col = col or _time_column(profile, mentions)
            if col is None:
                continue
            if low_tok.kind == "date" and high_tok.kind == "date":
                value: list[Scalar] = [low_tok.text, high_tok.text]
            elif _is_year(lo) and _is_year(hi):
                value = [f"{lo}-01-01", f"{hi}-12-31"]
            else:
                continue
        elif col is None and _is_year(lo) and _is_year(hi):
            col = _time_column(profile, mentions) or _year_column(profile)
            if col is None:
                continue
            time = _role(profile, col) == "time"
            value = [f"{lo}-01-01", f"{hi}-12-31"] if time else [lo, hi]  # type: ignore[list-item]
        elif col and lo is not None and hi is not None:
            value = [lo, hi]
        else:
            continue
        out.filters.append(Filter(column=col, op="between", value=value))
        out.used_tokens |= {i, i + 1, i + 2, i + 3}
        out.used_tokens |= {t for m in before[-1:] for t in range(m.start, m.end)}


def _match_phrase(tokens: Sequence[Token], i: int, phrase: str) -> int:
    words = phrase.split()
    if i + len(words) > len(tokens):
        return 0
    ok = all(tokens[i + k].low == w for k, w in enumerate(words))
    return len(words) if ok else 0


def _comparisons(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    i = 0
    while i < len(tokens):
        if i in out.used_tokens:
            i += 1
            continue
        hit = _comparator_at(tokens, i)
        if hit is None:
            i += 1
            continue
        op, width = hit
        j = i + width
        value = _number(tokens[j]) if j < len(tokens) else None
        if value is None:
            i += 1
            continue
        col = _compared_column(tokens, mentions, profile, i, j)
        if col is not None:
            role = _role(profile, col)
            if role in ("number", "id") or (role == "time" and _is_year(value)):
                filt = _number_filter(col, op, value, role == "time")
                if filt is not None:
                    out.filters.append(filt)
                    out.used_tokens |= set(range(i, j + 1))
                    out.used_tokens |= {
                        t
                        for m in mentions
                        if m.column == col
                        for t in range(m.start, m.end)
                        if i - 4 <= t <= j + 3
                    }
        i = j + 1


_OR_MORE = {
    ("or", "more"): "gte",
    ("or", "greater"): "gte",
    ("or", "higher"): "gte",
    ("or", "above"): "gte",
    ("or", "over"): "gte",
    ("or", "less"): "lte",
    ("or", "fewer"): "lte",
    ("or", "lower"): "lte",
    ("or", "below"): "lte",
    ("or", "under"): "lte",
}


def _open_ended(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    """ "parties of 4 or more", "6 or fewer cylinders": a number with "or more/less" after it."""
    for i, tok in enumerate(tokens[:-2]):
        value = _number(tok)
        op = _OR_MORE.get((tokens[i + 1].low, tokens[i + 2].low))
        if value is None or op is None or i in out.used_tokens:
            continue
        col = _compared_column(tokens, mentions, profile, i, i + 2)
        if col is None or _role(profile, col) not in ("number", "id"):
            continue
        out.filters.append(Filter(column=col, op=op, value=value))
        out.used_tokens |= {i, i + 1, i + 2}
        out.used_tokens |= {
            t
            for m in mentions
            if m.column == col
            for t in range(m.start, m.end)
            if i - 4 <= t <= i + 5
        }


_COMPASS: dict[str, tuple[tuple[str, ...], FilterOp]] = {
    "north": (("latitude", "lat"), "gt"),
    "south": (("latitude", "lat"), "lt"),
    "east": (("longitude", "lon", "lng", "long"), "gt"),
    "west": (("longitude", "lon", "lng", "long"), "lt"),
}


def _compass(tokens: Sequence[Token], profile: DataProfile, out: FilterReading) -> None:
    """ "north of 60 degrees": latitude > 60; "west of -100": longitude < -100."""
    for i, tok in enumerate(tokens[:-2]):
        found = _COMPASS.get(tok.low)
        value = _number(tokens[i + 2]) if tokens[i + 1].low == "of" else None
        if found is None or value is None or i in out.used_tokens:
            continue
        names, op = found
        col = next((c.name for c in profile.columns if c.name.lower() in names), None)
        if col is None:
            continue
        out.filters.append(Filter(column=col, op=op, value=value))
        out.used_tokens |= {i, i + 1, i + 2}
        if i + 3 < len(tokens) and tokens[i + 3].low in ("degrees", "degree", "deg"):
            out.used_tokens.add(i + 3)


def _counted_things(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, out: FilterReading
) -> None:
    """ "8 cylinder cars", "4 cyl": a whole number right before a column of a few whole numbers
    keeps the rows with that value."""
    starts = {m.start: m for m in mentions}
    for i, tok in enumerate(tokens[:-1]):
        value = _number(tok)
        m = starts.get(i + 1)
        if value is None or m is None or i in out.used_tokens or not isinstance(value, int):
            continue
        col = profile.column(m.column)
        whole = col.role == "number" and col.min is not None and float(col.min).is_integer()
        if not whole or col.distinct > 50 or not (col.min or 0) <= value <= (col.max or 0):
            continue
        out.filters.append(Filter(column=m.column, op="eq", value=value))
        out.used_tokens |= {i, *range(m.start, m.end)}


def _comparator_at(tokens: Sequence[Token], i: int) -> tuple[FilterOp, int] | None:
    for phrases, op in _COMPARATORS:
        for phrase in phrases:
            width = _match_phrase(tokens, i, phrase)
            if width:
                return op, width
    return None


def _compared_column(
    tokens: Sequence[Token], mentions: Sequence[Mention], profile: DataProfile, i: int, j: int
) -> str | None:
    """The column a comparison applies to: named before it, after its number, or implied."""
    before = [m for m in mentions if i - 4 <= m.end - 1 < i]
    after = [m for m in mentions if j < m.start <= j + 2]
    for m in (*reversed(before), *after):
        if _role(profile, m.column) in ("number", "id", "time"):
            return m.column
    if tokens[i].low in ("older", "younger"):
        ages = [c.name for c in profile.columns if c.role == "number" and "age" in c.name.lower()]
        return ages[0] if ages else None
    return None


def _number_filter(col: str, op: FilterOp, value: float | int, time: bool) -> Filter | None:
    if not time:
        return Filter(column=col, op=op, value=value)
    if op == "eq":
        return Filter(column=col, op="year", value=value)
    bounds: dict[FilterOp, str] = {
        "gt": f"{int(value) + 1}-01-01",
        "gte": f"{int(value)}-01-01",
        "lt": f"{int(value)}-01-01",
        "lte": f"{int(value)}-12-31",
    }
    if op not in bounds:
        return None
    return Filter(column=col, op="gte" if op == "gt" else op, value=bounds[op])
