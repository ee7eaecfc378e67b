"""Every reading of one question, done once: the new-question planner (`planner.rules`) and the
follow-up reader (`planner.followup`) decide from the same readings.

    question ─▶ spelling ─▶ intents ─▶ tokens ─▶ columns ─▶ values ─▶ dates ─▶ filters
                                                        └─▶ transforms, ratios, distinct counts
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.profile import DataProfile
from planner.dates import DateReading, read_dates
from planner.filter_values import FilterReading
from planner.filters import read_filters
from planner.matching import Mention, Token, find_mentions, tokenize
from planner.question import Reading, loose_aggregate, read_question
from planner.slots import row_unit
from planner.spelling import PreparedQuestion, prepare_question
from planner.transforms import (
    Ratio,
    TransformReading,
    counted_distinct,
    read_ratio,
    read_transform,
)
from planner.values import ValueMention, find_values


@dataclass(frozen=True)
class QuestionReading:
    """What each reader found in one question, over one file."""

    prepared: PreparedQuestion
    intents: Reading
    tokens: list[Token]
    mentions: list[Mention]
    values: list[ValueMention]
    dates: DateReading
    filters: FilterReading
    transform: TransformReading
    ratio: Ratio | None
    distinct: Mention | None


def read_all(question: str, profile: DataProfile) -> QuestionReading:
    """Run every reader over `question` for the file of `profile`."""
    prepared = prepare_question(question, profile)
    intents = read_question(prepared.text)
    tokens = tokenize(intents.text)
    mentions = _columns_meant(tokens, find_mentions(tokens, profile), profile)
    values = find_values(tokens, mentions, profile, intents.text)
    dates = read_dates(intents.text, profile, [m.column for m in mentions])
    found = read_filters(tokens, mentions, profile, values=values, dates=dates)
    transform = read_transform(intents.text)
    if intents.grain_span and any(
        profile.column(m.column).role != "time"
        and tokens[m.start].start < intents.grain_span[1]
        and tokens[m.end - 1].end > intents.grain_span[0]
        for m in mentions
    ):  # "each year" names the `year` column, not a resampling of dates
        intents = replace(intents, grain=None, grain_span=None)
    if intents.grain is None and transform.grain is not None:
        intents = replace(intents, grain=transform.grain)
    # "temp max and min": words inside column names are not aggregates; "frequency by
    # direction" with a `frequency` column asks for that column, not a distribution
    intents = replace(
        intents,
        loose_aggregate=loose_aggregate(tokens, mentions),
        distribution=intents.distribution and not _intent_is_a_column(tokens, mentions, intents),
    )
    return QuestionReading(
        prepared=prepared,
        intents=intents,
        tokens=tokens,
        mentions=mentions,
        values=values,
        dates=dates,
        filters=found,
        transform=transform,
        ratio=read_ratio(intents.text, tokens, mentions, profile),
        distinct=counted_distinct(tokens, mentions, profile),
    )


def _columns_meant(
    tokens: list[Token], mentions: list[Mention], profile: DataProfile
) -> list[Mention]:
    """Mentions minus words that only looked like a column: "over time" (a trend, not a
    category column named "time") and "days" in a daily file (the rows, not the date column)."""
    unit = row_unit(profile)

    def meant(m: Mention) -> bool:
        tok = tokens[m.start]
        over_time = tok.low == "time" and m.start > 0 and tokens[m.start - 1].low == "over"
        if over_time and profile.column(m.column).role != "time":
            return False
        rows = unit is not None and tok.stem == unit and tok.low != unit
        return not (rows and m.score < 3 and m.end - m.start == 1)

    return [m for m in mentions if meant(m)]


def _intent_is_a_column(tokens: list[Token], mentions: list[Mention], reading: Reading) -> bool:
    """Every word that read as "distribution" is a column's name ("frequency")."""
    if re.search(r"\bdistribution|\bhistogram", reading.text.lower()):
        return False
    inside = {t for m in mentions for t in range(m.start, m.end)}
    words = [i for i, t in enumerate(tokens) if t.low.startswith("frequenc")]
    return bool(words) and all(i in inside for i in words)
