"""File and question text in chart code, as data: never as Python literals of its own.

Column names, cell values, titles and labels come from uploaded files and questions. If they
entered the code as string literals, a column named `__class__` or `{0.os}` would make our own
compiled code look hostile to the sandbox's policy (`sandbox.policy`), which refuses such strings
in any code. So the compiler writes them as data:

- a column of the file is `COLUMNS[i]`, its position in the frame (`COLUMNS = list(df.columns)`,
  the first line of the code), so the code names nothing the file chose;
- any other text (a title, a label, a value to filter by) is `TEXT[i]`, a position in one JSON
  document decoded at the top of the code. JSON's `\\u` escapes stand in for braces, so the
  document's literal holds no format field and starts with `[`: nothing in it reads as a name,
  a template or a location.

The code keeps its own fixed words (`'sum'`, `'Other'`, `'stable'`) as ordinary literals.
"""

from __future__ import annotations

import json
from typing import Any

from ingest.profile import DataProfile

COLUMNS = "COLUMNS"
TEXT = "TEXT"


class CodeText:
    """Collects the file and question text one piece of chart code uses, in order of first use.

    `column(name)` and `text(value)` return the expressions to write in the code; `prelude()`
    returns the lines that define `COLUMNS` and the text list, to put before them.
    """

    def __init__(self, profile: DataProfile, *, name: str = TEXT) -> None:
        self._positions = {column: i for i, column in enumerate(profile.names())}
        self._texts: dict[str, int] = {}
        self._name = name

    def column(self, name: str | None) -> str:
        """`COLUMNS[i]` for a column of the file (`None` stays `None`)."""
        if name is None:
            return "None"
        if name not in self._positions:
            raise KeyError(name)
        return f"{COLUMNS}[{self._positions[name]}]"

    def columns(self, names: list[str] | list[str | None]) -> str:
        """A list expression of the columns `names`."""
        return "[" + ", ".join(self.column(name) for name in names) + "]"

    def text(self, value: Any) -> str:
        """An expression for `value`: text by its position in the text list; numbers, booleans
        and None as literals; lists, tuples and dicts element by element."""
        if isinstance(value, str):
            index = self._texts.setdefault(value, len(self._texts))
            return f"{self._name}[{index}]"
        if isinstance(value, list | tuple):
            inner = ", ".join(self.text(item) for item in value)
            return f"[{inner}]"
        if isinstance(value, dict):
            items = ", ".join(f"{self.text(k)}: {self.text(v)}" for k, v in value.items())
            return "{" + items + "}"
        if value is None or isinstance(value, bool | int | float):
            return repr(value)
        raise TypeError(f"no chart-code form for a {type(value).__name__}")

    def prelude(self) -> list[str]:
        """`COLUMNS` from the frame, and the text list when any text was used."""
        if not self._texts:
            return [f"{COLUMNS} = list(df.columns)"]
        document = _document(list(self._texts))
        return [
            "import json",
            f"{COLUMNS} = list(df.columns)",
            f"{self._name} = json.loads({document})",
        ]


def _document(texts: list[str]) -> str:
    """The texts as a Python literal of a JSON array with only ASCII and no braces."""
    encoded = json.dumps(texts, ensure_ascii=True)
    return repr(encoded.replace("{", "\\u007b").replace("}", "\\u007d"))
