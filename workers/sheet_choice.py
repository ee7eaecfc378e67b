"""Read "use the Data sheet" / "sheet 2" / "from the 'Q3 2024' tab" out of a question.

Pure: returns the sheet asked for (a name, or a 1-based position as digits) and the question
without the phrase, so "sheet 2" never reads as the number 2 to the planner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LEAD = r"(?:\b(?:please\s+)?(?:use|using|read|from|on|in|with|take|switch\s+to)\s+)?(?:the\s+)?"
_QUOTED = r"[\"“”'‘’`]([^\"“”'‘’`\n]{1,80})[\"“”'‘’`]"
_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "seventh": "7",
    "eighth": "8",
    "ninth": "9",
    "tenth": "10",
}
# Words before "sheet" that are not a sheet's name ("this sheet", "a spreadsheet"…).
_NOT_NAMES = frozenset(
    {"this", "that", "same", "other", "another", "each", "every", "which", "a", "one", "whole",
     "my", "your", "excel", "google", "next", "previous", "new", "data's"}
)  # fmt: skip

_NUMBER = r"(?:number\s*|no\.?\s*|#\s*)?(\d{1,3})\b"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("position", re.compile(_LEAD + r"(?:sheet|tab)\s*" + _NUMBER, re.I)),
    ("ordinal", re.compile(_LEAD + r"(" + "|".join(_ORDINALS) + r")\s+(?:sheet|tab)\b", re.I)),
    ("name", re.compile(_LEAD + _QUOTED + r"\s+(?:sheet|tab)\b", re.I)),
    ("name", re.compile(_LEAD + r"(?:sheet|tab)\s+(?:named\s+|called\s+)?" + _QUOTED, re.I)),
    ("name", re.compile(_LEAD + r"(?:sheet|tab)\s+(?:named|called)\s+([\w-]{1,40})\b", re.I)),
    ("name", re.compile(_LEAD + r"([\w-]{1,40})\s+(?:sheet|tab)\b", re.I)),
]  # fmt: skip


@dataclass(frozen=True)
class SheetAsk:
    sheet: str | None  # a sheet name, or "2" for the second sheet; None: nothing asked
    question: str  # the question without the phrase


def read_sheet_ask(question: str) -> SheetAsk:
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(question):
            value = match.group(1).strip()
            if kind == "ordinal":
                value = _ORDINALS.get(value.lower(), value.lower())
            elif kind == "name" and value.lower() in _NOT_NAMES:
                continue
            rest = question[: match.start()] + " " + question[match.end() :]
            return SheetAsk(value, _tidy(rest))
    return SheetAsk(None, question)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
    return text.strip(" ,;:-").strip()
