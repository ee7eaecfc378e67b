"""Find the JSON object in a language model's answer.

Models wrap their JSON in Markdown fences, `$$$` delimiters or chatty prose, and sometimes answer
with a bare list of charts. This module finds the object and nothing more: it never repairs broken
JSON (trailing commas, `//` comments, cut-off answers). Those go back to the model for a repair
turn, with the reason `AnswerNotJSON` carries in words fit to send.

The answer is untrusted text: it is capped in length, scanned in one linear pass per region and
parsed with `json`, never evaluated.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["MAX_ANSWER_CHARS", "AnswerNotJSON", "extract_json"]

MAX_ANSWER_CHARS = 200_000
# Fenced blocks, and top-level values per block, tried before settling for the first object
# found: real answers hold a few, a "{}{}{}…" flood holds thousands.
_MAX_VALUES = 50
_FENCE = re.compile(r"```[ \t]*[\w+.-]*[ \t]*\r?\n?(.*?)```", re.DOTALL)
_DOLLARS = re.compile(r"\$\$\$(.*?)\$\$\$", re.DOTALL)
# An object, or a list that opens with an object (a bare list of charts); never "[1]" in prose.
_START = re.compile(r"\{|\[(?=\s*\{)")
# How a real JSON value opens, as opposed to a brace in prose ("use {region} as x").
_JSON_OPENING = re.compile(r'\{\s*["}]|\[\s*\{')
_SYNTAX = re.compile(r'[{}\[\]"\\]')
_PLAN_KEYS = frozenset({"charts", "plan", "chart_type"})


class AnswerNotJSON(ValueError):
    """The answer holds no usable JSON object.

    `reason` is one short sentence to send back to the model. `json_like` says whether the answer
    held something that looked like JSON but did not parse (worth a repair turn) or nothing at all.
    """

    def __init__(self, reason: str, *, json_like: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.json_like = json_like


class _NotAConstant(ValueError):
    """`NaN`/`Infinity`: Python's `json` accepts them, JSON does not."""


def extract_json(text: str) -> dict[str, Any]:
    """The JSON object in a model's answer.

    Looks in ```` ``` ```` fences first, then `$$$ … $$$` blocks, then the whole answer, and takes
    the first object that looks like a plan (has `charts`, `plan` or `chart_type`), else the first
    object that parses at all. A top-level list of objects becomes `{"charts": [...]}`.

    Args:
        text: the model's answer, as received.

    Raises:
        AnswerNotJSON: no object parses; its `reason` says why in words for the model.
    """
    if len(text) > MAX_ANSWER_CHARS:
        raise AnswerNotJSON(
            f"the answer is {len(text):,} characters long; a plan must fit in {MAX_ANSWER_CHARS:,}",
            json_like=False,
        )
    if not text.strip():
        raise AnswerNotJSON("the answer was empty", json_like=False)
    errors: list[str] = []
    first: dict[str, Any] | None = None
    for offset, region in _regions(text):
        for value in _values(text, offset, region, errors):
            found = _as_object(value)
            if found is not None and _PLAN_KEYS & found.keys():
                return found
            first = first if first is not None else found
    if first is not None:
        return first
    if errors:
        raise AnswerNotJSON(errors[0], json_like=True)
    raise AnswerNotJSON("the answer held no JSON object", json_like=False)


def _regions(text: str) -> Iterator[tuple[int, str]]:
    """Where to look, best first, as (offset in `text`, region text)."""
    for pattern in (_FENCE, _DOLLARS):
        for match in itertools.islice(pattern.finditer(text), _MAX_VALUES):
            yield match.start(1), match.group(1)
    yield 0, text


def _values(text: str, offset: int, region: str, errors: list[str]) -> Iterator[Any]:
    """Every top-level JSON value in `region` that parses; reasons for those that do not."""
    pos = 0
    for _ in range(_MAX_VALUES):
        if (start_match := _START.search(region, pos)) is None:
            return
        start = start_match.start()
        end = _closing(region, start)
        if end is None and not _JSON_OPENING.match(region, start):
            # A brace in prose that never closes: go on where a JSON value really opens.
            if (resume := _JSON_OPENING.search(region, start + 1)) is None:
                return
            pos = resume.start()
            continue
        if end is None:  # cut off: the complete chart inside must not pass for the plan
            if not errors:  # only the first reason is reported; finding a position costs a scan
                where = _where(text, offset + start)
                kind = "object" if region[start] == "{" else "list"
                errors.append(f"the JSON is cut off: the {kind} opened at {where} never closes")
            return
        try:
            yield json.loads(region[start:end], strict=False, parse_constant=_no_constant)
        except (_NotAConstant, json.JSONDecodeError, RecursionError) as exc:
            if not errors:
                errors.append(_invalid(exc, text, offset + start))
        pos = end  # a broken object is skipped whole: its inner objects are not the plan


def _closing(region: str, start: int) -> int | None:
    """The end of the bracketed value opening at `start`, minding strings; None if it never ends."""
    depth = 0
    in_string = False
    skip_to = -1  # the character after a backslash is escaped
    for match in _SYNTAX.finditer(region, start):
        at = match.start()
        if at < skip_to:
            continue
        char = match.group()
        if in_string:
            if char == "\\":
                skip_to = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return at + 1
    return None


def _as_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return {"charts": value}
    return None


def _invalid(exc: Exception, text: str, start: int) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"JSON is invalid at {_where(text, start + exc.pos)}: {exc.msg}"
    if isinstance(exc, _NotAConstant):
        return f"JSON is invalid: {exc} is not a JSON value; use a number or null"
    return "JSON is nested too deeply"


def _no_constant(name: str) -> Any:
    raise _NotAConstant(name)


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line} column {column}"
