"""Small readers of Python syntax trees for the chart-code policy: names, dotted paths, strings.

All of them loop instead of recursing, so deeply nested code can't exhaust the stack.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from sandbox import policy_rules as rules

_MAX_NESTING = 250  # the parser refuses deeper brackets anyway


def module_aliases(nodes: list[ast.AST]) -> dict[str, str]:
    """Names bound to modules (or things imported from them): pd, np, px, go and every import.

    Plain assignments from an alias (`p = pd`, `DF = pd.DataFrame`) are followed too.
    """
    aliases = dict(rules.PREDEFINED_MODULES)
    pairs: list[tuple[str, ast.expr]] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                head = a.name.partition(".")[0]
                aliases[a.asname or head] = a.name if a.asname else head
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                pairs += _assigned_pairs(target, node.value)
    changed = True
    while changed:  # each pass binds at least one more name, so this ends
        changed = False
        for name, value in pairs:
            path = qualified(value, aliases)
            if name not in aliases and path is not None:
                aliases[name] = path
                changed = True
    return aliases


def qualified(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The dotted path `node` reads if it starts at a module alias: `pd.io` → "pandas.io"."""
    path = dotted(node)
    if path is None:
        return None
    head, _, rest = path.partition(".")
    module = aliases.get(head)
    if module is None:
        return None
    return f"{module}.{rest}" if rest else module


def _assigned_pairs(target: ast.expr, value: ast.expr) -> list[tuple[str, ast.expr]]:
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if (
        isinstance(target, ast.Tuple | ast.List)
        and isinstance(value, ast.Tuple | ast.List)
        and len(target.elts) == len(value.elts)
    ):
        return [
            p for t, v in zip(target.elts, value.elts, strict=True) for p in _assigned_pairs(t, v)
        ]
    return []


def root_name(node: ast.expr) -> str | None:
    """The name an attribute or item chain starts from: `pd.options["x"].y` → "pd"."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def dotted(node: ast.expr) -> str | None:
    """`pd.io.common` as text, or None when the chain isn't names and attributes only."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(rules.normalize(node.attr))
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return rules.normalize(func.id)
    if isinstance(func, ast.Attribute):
        return rules.normalize(func.attr)
    return None


def constant(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def is_plain_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def is_str(node: ast.expr) -> bool:
    return is_plain_str(node) or isinstance(node, ast.JoinedStr)


def method_names(node: ast.Call) -> Iterator[ast.Constant]:
    """Strings a pandas method looks up as method names: `agg("sum")`, `agg(x=("c", "sum"))`."""
    values = list(node.args) + [k.value for k in node.keywords if k.arg != "column"]
    if called_name(node.func) == "NamedAgg":
        values = values[1:] if node.args else values
    for _ in range(_MAX_NESTING):
        if not values:
            return
        later: list[ast.expr] = []
        for value in values:
            if is_plain_str(value):
                assert isinstance(value, ast.Constant)
                yield value
            elif isinstance(value, ast.Tuple) and len(value.elts) == 2:
                later.append(value.elts[1])  # (column, function)
            elif isinstance(value, ast.List | ast.Tuple | ast.Set):
                later += value.elts
            elif isinstance(value, ast.Dict):
                later += value.values  # keys are column labels
        values = later


def call_strings(node: ast.Call) -> Iterator[tuple[ast.expr, str]]:
    """Leading text of each string given to a call, inside literal lists, tuples and dicts too.

    Keywords shown as chart text (`title=`, `text=`…) are skipped: Plotly never fetches those.
    """
    values: list[ast.expr] = list(node.args)
    values += [k.value for k in node.keywords if not (k.arg and rules.is_text_keyword(k.arg))]
    for _ in range(_MAX_NESTING):
        if not values:
            return
        later: list[ast.expr] = []
        for value in values:
            text = leading_text(value)
            if text is not None:
                yield value, text
            elif isinstance(value, ast.List | ast.Tuple | ast.Set):
                later += value.elts
            elif isinstance(value, ast.Dict):
                later += [k for k in value.keys if k is not None] + value.values
            elif isinstance(value, ast.Starred):
                later.append(value.value)
        values = later


def leading_text(node: ast.expr) -> str | None:
    """The text a string expression starts with: `"ht" "tp://" + host` → "http://"."""
    operands: list[ast.expr] = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        operands.append(node.right)
        node = node.left
    operands.append(node)
    lead: str | None = None
    for operand in reversed(operands):  # left to right
        if is_plain_str(operand):
            lead = (lead or "") + str(constant(operand))
            continue
        if isinstance(operand, ast.JoinedStr):
            lead = lead or ""
            for part in operand.values:
                if not is_plain_str(part):
                    return lead
                lead += str(constant(part))
            continue
        return lead
    return lead
