"""Words the rule-based planner knows: stop words, synonyms and the phrases that carry intent.

Kept apart from the logic so that widening the planner's reading is a one-line change here.
"""

from __future__ import annotations

from planner.plan import Aggregate, TimeGrain

# Words that never name a column by themselves (they may still be part of a multi-word name).
STOP_WORDS = frozenset(
    """
    a an the of by per and or to in on for from with without at as is are was were be been
    being it its this that these those there their them they his her he she we our you your
    me my i show shows showing display displaying draw plot plotting plots chart charts
    graph graphs visualize visualise visualization viz give get make create return list tell
    see want need would could can please let us like find compute calculate compare
    comparison about using use what which who whom whose how many much when where why do
    does did has have had all any each every some other different distinct both only just
    also then than into over under across between versus vs against total average avg mean
    sum count number numbers median maximum minimum max min maximal minimal highest lowest
    largest smallest biggest top bottom bar bars line lines pie donut doughnut scatter
    scatterplot histogram box boxplot column stacked stack grouped group groups grouping
    trend trends distribution spread share proportion propotion percentage breakdown order
    ordered sort sorted ranked ranking ascending descending asc desc low high lower higher x
    y axis x-axis y-axis data row rows record records entry entries table file here per via
    based attribute attributes corresponding respective relationship correlation change
    changes frequency bin bins binned interval
    """.split()  # noqa: SIM905
)

# Filler words allowed inside a multi-word column name match ("number of platforms").
FILLERS = frozenset({"of", "the", "a", "an", "in", "per", "and", "to", "for", "s"})

# Weak words: they may match a column only as a whole name, never as one part of a longer name.
WEAK_WORDS = frozenset({"id", "code", "name", "no", "num", "date", "time", "year", "is"})

# Groups of interchangeable words; a match through a synonym ranks below an exact one.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "revenue sale income turnover",
        "amount value amt",
        "date time day when timestamp datetime",
        "qty quantity unit",
        "price cost",
        "category type kind class",
        "country nation",
        "customer client",
        "product item",
        "employee staff worker emp",
        "gender sex",
        "salary pay wage",
        "region area zone",
        "department dept",
        "percent percentage pct",
        "number num no",
        "latitude lat",
        "longitude lon lng long",
        "address addr",
        "description desc",
        "identifier id",
        "year yr",
        "elevation altitude",
        "count cnt",
    )
)

AGGREGATE_WORDS: dict[str, Aggregate] = {
    "average": "mean",
    "avg": "mean",
    "mean": "mean",
    "averaged": "mean",
    "total": "sum",
    "sum": "sum",
    "summed": "sum",
    "combined": "sum",
    "median": "median",
    "maximum": "max",
    "max": "max",
    "maximal": "max",
    "highest": "max",
    "largest": "max",
    "biggest": "max",
    "greatest": "max",
    "oldest": "max",
    "minimum": "min",
    "min": "min",
    "minimal": "min",
    "lowest": "min",
    "smallest": "min",
    "least": "min",
    "youngest": "min",
}

# Aggregate words safe to apply to the measure even when they are not right before it.
LOOSE_AGGREGATE_WORDS = frozenset(
    {"average", "avg", "mean", "averaged", "median", "maximum", "minimum", "max", "min", "summed"}
)

COUNT_PHRASES = (
    "how many",
    "number of",
    "count of",
    "counts of",
    "count the",
    "count them",
    "count",
    "counts",
    "counting",
    "total number",
    "frequency of",
    "frequencies",
    "tally",
)

GRAIN_WORDS: dict[str, TimeGrain] = {
    "daily": "D",
    "day": "D",
    "days": "D",
    "weekly": "W",
    "week": "W",
    "weeks": "W",
    "monthly": "M",
    "month": "M",
    "months": "M",
    "quarterly": "Q",
    "quarter": "Q",
    "quarters": "Q",
    "yearly": "Y",
    "annual": "Y",
    "annually": "Y",
    "year": "Y",
    "years": "Y",
}

# Words that introduce the category a chart is broken down by.
GROUP_WORDS = frozenset(
    {"by", "per", "each", "every", "across", "different", "various", "within", "among"}
)
# Phrases that make a second category the colour (legend) rather than the x axis.
COLOR_PHRASES = (
    "group by attribute",
    "grouped by",
    "group by",
    "groups all",
    "grouping by",
    "colored by",
    "coloured by",
    "color by",
    "colour by",
    "different color for each",
    "split by",
    "broken down by",
    "break down by",
    "categorized by",
    "stacked by",
    "group the",
)

NUMBER_WORDS: dict[str, int] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "fifty": 50,
    "hundred": 100,
}
