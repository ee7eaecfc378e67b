"""Loose matching of question words to column names.

People write "unit price" for `unit_price`, "regions" for `Region` and "sales" for `revenue`. The
question and every column name are cut into word stems (case, underscores, hyphens and camelCase
ignored; simple plurals folded), then column names are found as runs of question words. Exact runs
beat synonym runs, which beat a single word that is only part of a longer name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.profile import DataProfile
from planner.vocabulary import (
    ABBREVIATIONS,
    FILLERS,
    STOP_WORDS,
    SYNONYM_GROUPS,
    UNIT_WORDS,
    WEAK_WORDS,
)

_TOKEN = re.compile(
    r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
    r"|(?P<num>-?\d+(?:,\d{3})*(?:\.\d+)?%?)"
    r"|(?P<op>>=|<=|!=|==|=|>|<)"
    r"|(?P<word>[^\W\d_]+)",
)
_CAMEL = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
)


def _synonym_table() -> dict[str, str]:
    """Word stem → one representative of its synonym group. Single-word abbreviations ("temp" →
    "temperature") join their expansion's group, so either form finds the other."""
    groups = [set(group) for group in SYNONYM_GROUPS]
    for short, longs in ABBREVIATIONS.items():
        groups += [{short, long} for long in longs if " " not in long]
    merged: list[set[str]] = []
    for group in groups:
        stems = {stem(word) for word in group}
        touching = [m for m in merged if m & stems]
        for m in touching:
            stems |= m
            merged.remove(m)
        merged.append(stems)
    return {word: min(group) for group in merged for word in group}


# "rank by", "rank the bars": a verb here, not the `Rank` column.
_VERB_FOLLOWERS = frozenset(
    [
        "by",
        "in",
        "the",
        "from",
        "x",
        "y",
        "it",
        "them",
        "all",
        "bar",
        "bars",
        "ascending",
        "descending",
        "asc",
        "desc",
        "order",
    ]
)


@dataclass(frozen=True)
class Token:
    """One question word. `stem` is lower-case with plurals folded; `kind` is word/num/date/op."""

    text: str
    stem: str
    kind: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(frozen=True)
class Mention:
    """A run of question tokens `[start, end)` that names `column`, with how sure the match is."""

    column: str
    start: int
    end: int
    score: float


def stem(word: str) -> str:
    """Lower-case and fold simple English plurals, the same way for questions and column names."""
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("sses", "ches", "shes", "xes", "uses")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


_SYNONYM = _synonym_table()


def is_stop(tok: Token) -> bool:
    """A word that never names a column by itself ("by", "total", "shows")."""
    return tok.low in STOP_WORDS or tok.stem in STOP_WORDS


def canonical(word_stem: str) -> str:
    return _SYNONYM.get(word_stem, word_stem)


def tokenize(text: str) -> list[Token]:
    """Cut text into tokens, splitting camelCase and snake_case and dropping possessive 's."""
    text = re.sub(r"(?<=\w)['’]s\b", "", text)
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "word"
        if kind != "word":
            tokens.append(Token(m.group(), m.group().lower(), kind, m.start(), m.end()))
            continue
        offset = m.start()
        for part in _CAMEL.split(m.group()):
            if part:
                tokens.append(Token(part, stem(part), kind, offset, offset + len(part)))
                offset += len(part)
    return tokens


def name_stems(name: str) -> list[str]:
    """The word stems of a column name: `unitPrice`, `unit_price` and `Unit Price` all agree."""
    return [t.stem for t in tokenize(name.replace("_", " ").replace("-", " "))]


def find_mentions(tokens: Sequence[Token], profile: DataProfile) -> list[Mention]:
    """Columns named in the question, in question order, without overlapping runs."""
    candidates: list[Mention] = []
    part_owners: dict[str, list[str]] = {}
    for col in profile.columns:
        stems = name_stems(col.name)
        content = (
            [s for s in stems if s not in FILLERS and s not in UNIT_WORDS]
            or [s for s in stems if s not in FILLERS]
            or stems
        )
        for s in set(content):
            part_owners.setdefault(s, []).append(col.name)
        candidates.extend(_column_runs(tokens, col.name, stems, content))
    candidates.extend(_part_matches(tokens, profile, part_owners))
    chosen: list[Mention] = []
    taken: set[int] = set()
    for cand in sorted(candidates, key=lambda c: (-c.score, -(c.end - c.start), c.start)):
        span = set(range(cand.start, cand.end))
        if span & taken:
            continue
        chosen.append(cand)
        taken |= span
    chosen += _plain_word_names(tokens, profile, chosen, taken)
    chosen += _ellipses(tokens, profile, chosen, taken)
    chosen += _families(tokens, profile, part_owners, chosen)
    return sorted(chosen, key=lambda c: (c.start, c.column))


def _plain_word_names(
    tokens: Sequence[Token], profile: DataProfile, chosen: list[Mention], taken: set[int]
) -> list[Mention]:
    """A number column named by a word the planner otherwise reads as intent: "frequency by
    direction" (column `frequency`), "total by winner" (column `total`). Not when the word leads
    a phrase ("frequency of", "total number") or another column ("total revenue")."""
    names = {
        c.name.lower(): c.name
        for c in profile.columns
        if c.role == "number" and c.name.lower() in STOP_WORDS
    }
    starts = {m.start for m in chosen}
    found: list[Mention] = []
    for i, tok in enumerate(tokens):
        column = names.get(tok.low)
        if column is None or i in taken:
            continue
        after = tokens[i + 1].low if i + 1 < len(tokens) else ""
        if after in ("of", "number", "count", "numbers") or i + 1 in starts:
            continue
        found.append(Mention(column, i, i + 1, 2.9))
        taken.add(i)
    return found


_HIGH = frozenset({"max", "maximum", "highest", "peak", "top", "high"})
_LOW = frozenset({"min", "minimum", "lowest", "bottom", "low"})


def _extreme(tokens: Sequence[Token], i: int, owners: list[str]) -> list[str]:
    """ "highest temperature" of `temp_max` and `temp_min`: the max one."""
    before = tokens[i - 1].low if i > 0 else ""
    for words in (_HIGH, _LOW):
        if before in words:
            picked = [o for o in owners if set(name_stems(o)) & words]
            if len(picked) == 1:
                return picked
    return owners


def _ellipses(
    tokens: Sequence[Token], profile: DataProfile, chosen: list[Mention], taken: set[int]
) -> list[Mention]:
    """ "temp max and min": "min" is `temp_min`, the named column with its last word swapped."""
    found: list[Mention] = []
    by_stems = {tuple(name_stems(c.name)): c.name for c in profile.columns}
    for m in chosen:
        stems = name_stems(m.column)
        if len(stems) < 2:
            continue
        k = m.end
        while k < len(tokens) and tokens[k].low in ("and", ",", "or", "vs", "versus", "&"):
            k += 1
        if k == m.end or k >= len(tokens) or k in taken or tokens[k].kind != "word":
            continue
        for swapped in ((*stems[:-1], tokens[k].stem), (tokens[k].stem, *stems[1:])):
            column = by_stems.get(tuple(swapped))
            if column and column != m.column:
                found.append(Mention(column, k, k + 1, 1.5))
                taken.add(k)
                break
    return found


def _families(
    tokens: Sequence[Token],
    profile: DataProfile,
    part_owners: dict[str, list[str]],
    chosen: Sequence[Mention],
) -> list[Mention]:
    """ "temperature" in a file with `temp_max` and `temp_min`: a word that starts the names of
    a few number columns names all of them (they are drawn together)."""
    found: list[Mention] = []
    taken = {t for m in chosen for t in range(m.start, m.end)}
    for i, tok in enumerate(tokens):
        if i in taken or tok.kind != "word" or is_stop(tok):
            continue
        key = tok.stem if tok.stem in part_owners else canonical(tok.stem)
        owners = [
            o
            for part, names in part_owners.items()
            if part == key or canonical(part) == key
            for o in names
            if name_stems(o)[0] in (part,) and profile.column(o).role == "number"
        ]
        owners = list(dict.fromkeys(owners))
        if any(m.column in owners for m in chosen):
            continue  # "price ... in dollars": the question narrows it down itself
        if 2 <= len(owners) <= 4:
            owners = _extreme(tokens, i, owners)
            found += [Mention(o, i, i + 1, 0.7) for o in owners]
    return found


def _usable(tokens: Sequence[Token], i: int) -> bool:
    tok = tokens[i]
    if tok.kind not in ("word", "num"):
        return False
    if tok.stem == "rank" and i + 1 < len(tokens) and tokens[i + 1].low in _VERB_FOLLOWERS:
        return False
    return not (tok.low == "when" and i > 0)  # "when" means a date only as a question opener


def _column_runs(
    tokens: Sequence[Token], column: str, stems: list[str], content: list[str]
) -> list[Mention]:
    """Runs of question words holding all of a column's words (fillers between them allowed)."""
    found: list[Mention] = []
    joined = "".join(stems)
    want_exact = sorted(content)
    want_syn = sorted(canonical(s) for s in content)
    meaningful = any(s not in STOP_WORDS for s in content)
    for i in range(len(tokens)):
        if not _usable(tokens, i):
            continue
        if len(stems) > 1 and tokens[i].stem == joined:
            found.append(Mention(column, i, i + 1, 3.0 + 0.1 * len(content)))
        if (  # "first name" for `fname`, "last name" for `lname`
            len(stems) == 1
            and i + 1 < len(tokens)
            and _usable(tokens, i + 1)
            and len(tokens[i + 1].stem) >= 3
            and stems[0] == tokens[i].stem[:1] + tokens[i + 1].stem
        ):
            found.append(Mention(column, i, i + 2, 2.5))
        got: list[str] = []
        for j in range(i, min(len(tokens), i + len(content) + 3)):
            if not _usable(tokens, j):
                break
            s = tokens[j].stem
            if s in FILLERS and j > i:
                continue
            got.append(s)
            if len(got) > len(content):
                break
            if len(got) < len(content) or not meaningful:
                continue
            all_stop = all(g in STOP_WORDS for g in got)
            if sorted(got) == want_exact and not all_stop:
                found.append(Mention(column, i, j + 1, 3.0 + 0.1 * len(content)))
            elif sorted(canonical(g) for g in got) == want_syn and not all_stop:
                found.append(Mention(column, i, j + 1, 2.0 + 0.1 * len(content)))
            elif (
                len(content) > 1
                and not all_stop
                and all(
                    _same_word(g, n) or canonical(g) == canonical(n)
                    for g, n in zip(got, content, strict=True)
                )
            ):  # "account balance" for `acc_bal`
                found.append(Mention(column, i, j + 1, 1.9 + 0.1 * len(content)))
            break
    return found


def _part_matches(
    tokens: Sequence[Token], profile: DataProfile, part_owners: dict[str, list[str]]
) -> list[Mention]:
    """A single question word that is one part of a longer column name ("price" → `unit_price`)."""
    found: list[Mention] = []
    by_syn: dict[str, list[str]] = {}
    for part, owners in part_owners.items():
        by_syn.setdefault(canonical(part), []).extend(owners)
    for i, tok in enumerate(tokens):
        if tok.kind != "word" or is_stop(tok) or not _usable(tokens, i):
            continue
        owners = part_owners.get(tok.stem, [])
        score = 1.0
        if not owners:
            owners = sorted(set(by_syn.get(canonical(tok.stem), [])), key=profile.names().index)
            score = 0.8
        weak = tok.stem in WEAK_WORDS or canonical(tok.stem) in WEAK_WORDS
        if not owners or (weak and len(owners) > 1):
            continue
        # "customers" names the rows, not `customer_id`: an id column needs its "id" said.
        owners = [o for o in owners if not _id_like(profile, o)]
        heads = [o for o in owners if name_stems(o)[-1] in (tok.stem, canonical(tok.stem))]
        plural = tok.low != tok.stem
        if not heads and (len(owners) > 1 or plural):
            continue  # "customer" in three customer_* columns, or "players" for `player_name`
        for rank, owner in enumerate(owners):
            # Prefer the owner whose name ends with the word ("price" → unit_price over price_band).
            bonus = 0.2 if owner in heads else 0.0
            found.append(
                Mention(owner, i, i + 1, score - (0.3 if weak else 0) + bonus - 0.01 * rank)
            )
    return found


def _id_like(profile: DataProfile, column: str) -> bool:
    return profile.column(column).role == "id" or name_stems(column)[-1] in ("id", "key", "uuid")


def _same_word(asked: str, named: str) -> bool:
    """Question stem `asked` names column stem `named`: equal, or `named` abbreviates it."""
    return asked == named or (
        len(named) >= 3 and len(asked) > len(named) and asked.startswith(named)
    )
