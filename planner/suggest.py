"""What to say when a question cannot be read: the closest columns and values, and two questions
this file can answer."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from core.errors import NoMatchingColumn
from ingest.profile import DataProfile
from planner import defaults

MIN_SCORE = 70.0  # rapidfuzz WRatio: "mpg" → "Miles_per_Gallon" is ~60, "temprature" → 90


def not_understood(wanted: Sequence[str], profile: DataProfile) -> NoMatchingColumn:
    """The error for a question naming `wanted`, which the file does not have."""
    return NoMatchingColumn(
        wanted=wanted,
        available=profile.names(),
        suggestions=closest(wanted, profile),
        examples=example_questions(profile),
    )


def closest(words: Sequence[str], profile: DataProfile, limit: int = 3) -> list[str]:
    """Columns (as `name`) and values (as “value” in `column`) nearest to `words`."""
    choices: dict[str, str] = {f"`{name}`": name for name in profile.names()}
    for col in profile.columns:
        if col.role in ("category", "boolean"):
            for value in col.values[:200]:
                choices[f"“{value}” (in `{col.name}`)"] = value
    found: dict[str, float] = {}
    for word in words:
        for _, score, label in process.extract(
            word, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=MIN_SCORE
        ):
            found[label] = max(score, found.get(label, 0.0))
    return [label for label, _ in sorted(found.items(), key=lambda kv: -kv[1])][:limit]


def example_questions(profile: DataProfile) -> list[str]:
    """Two questions the rule-based planner answers for this file, in the file's own words."""
    measure = defaults.best_measure(profile)
    category = defaults.best_category(profile)
    time = defaults.time_column(profile)
    examples: list[str] = []
    if measure and category:
        examples.append(f"average {measure} by {category}")
    if measure and time:
        examples.append(f"{measure} by month")
    if category:
        examples.append(f"how many rows per {category}")
    if measure:
        examples.append(f"distribution of {measure}")
    return examples[:2]
