"""A static check of chart code before it runs: an allowlist of imports and a denylist of escapes.

`check_code` parses the code and walks every node once, without recursion, collecting every
violation rather than stopping at the first, so one Slack reply can list them all. The policy is a
first filter that gives readable refusals; the sandbox (bubblewrap, seccomp, no network) stays the
real boundary, because Python offers more ways to compute a name than any static check can follow.

Modules: `policy_rules` holds the tables of allowed and refused names and the reasons shown in
Slack, `policy_checker` applies them node by node, `policy_ast` reads names and strings from nodes.
"""

from __future__ import annotations

import ast
import threading

from core.errors import CodeRefused
from sandbox import policy_rules as rules
from sandbox.policy_checker import Checker, Violation

__all__ = ["Violation", "check_code", "find_violations"]

_TOO_DEEP = "code nested this deeply is not allowed: it can't be checked"


def check_code(code: str) -> None:
    """Raise `CodeRefused` with every reason the chart code `code` may not run; else return."""
    violations = find_violations(code)
    if violations:
        raise CodeRefused([v.message for v in violations])


def _parse(code: str) -> ast.Module:
    """`ast.parse`, once more on a fresh thread if CPython 3.11's parser reports a recursion
    depth mismatch (SystemError): after an earlier RecursionError in the parser, its count on
    this thread can be off, and hostile code must get a verdict, not a crash."""
    try:
        return ast.parse(code, filename="<chart code>")
    except SystemError:
        pass
    outcome: list[ast.Module | BaseException] = []

    def parse() -> None:
        try:
            outcome.append(ast.parse(code, filename="<chart code>"))
        except BaseException as exc:  # handed back to the caller's thread below
            outcome.append(exc)

    thread = threading.Thread(target=parse, name="policy-parse")
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def find_violations(code: str) -> list[Violation]:
    """Every violation in `code`, ordered by line, identical messages once."""
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > rules.MAX_CODE_BYTES:
        limit_kb = rules.MAX_CODE_BYTES // 1000
        return [
            _whole("size", f"chart code over {limit_kb} KB is not allowed: it is {size:,} bytes")
        ]
    try:
        tree = _parse(code)
    except SyntaxError as exc:
        line = exc.lineno or 0
        return [Violation(line, "syntax", f"line {line}: the code is not valid Python: {exc.msg}")]
    except (ValueError, RecursionError, MemoryError):  # the parser's own nesting limits
        return [_whole("size", _TOO_DEEP)]
    nodes: list[ast.AST] = []
    for node in ast.walk(tree):  # ast.walk is iterative: deep code can't exhaust the stack here
        nodes.append(node)
        if len(nodes) > rules.MAX_AST_NODES:
            return [
                _whole(
                    "size",
                    f"chart code with more than {rules.MAX_AST_NODES:,} syntax nodes is not "
                    "allowed: keep it short and let pandas do the work",
                )
            ]
    found = Checker(nodes).run()
    unique = {(v.line, v.message): v for v in found}
    return sorted(unique.values(), key=lambda v: v.line)


def _whole(rule: str, message: str) -> Violation:
    return Violation(0, rule, message)
