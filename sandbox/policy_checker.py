"""The chart-code policy's checker: applies `sandbox.policy_rules` to each node of a syntax tree.

`Checker` visits a flat list of nodes (from `ast.walk`), dispatching on the node type, so it never
recurses. Node kinds with no method pass unchecked.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from sandbox import policy_ast as syntax
from sandbox import policy_rules as rules


@dataclass(frozen=True)
class Violation:
    """One refused construct. `line` is 1-based, or 0 for the code as a whole."""

    line: int
    rule: str
    message: str


class Checker:
    """Applies the rules node by node; `aliases` maps names bound to modules to dotted paths."""

    def __init__(self, nodes: list[ast.AST]) -> None:
        self.nodes = nodes
        self.parents: dict[int, ast.AST] = {}
        for node in nodes:
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
        self.aliases = syntax.module_aliases(nodes)
        self.found: list[Violation] = []

    def run(self) -> list[Violation]:
        for node in self.nodes:
            method = getattr(self, f"_{type(node).__name__}", None)
            if method is not None:
                method(node)
        return self.found

    def refuse(self, node: ast.AST, rule: str, what: str, why: str) -> None:
        line = getattr(node, "lineno", 0)
        self.found.append(Violation(line, rule, f"line {line}: {what} is not allowed: {why}"))

    # Names and bindings

    def _binding(self, node: ast.AST, name: str | None) -> None:
        if name is not None and name != "_" and rules.normalize(name).startswith("_"):
            self.refuse(node, "name", f"the name `{name}`", rules.WHY_PRIVATE)

    def _Name(self, node: ast.Name) -> None:
        name = rules.normalize(node.id)
        self._binding(node, name)
        if name in rules.DENIED_NAMES and not name.startswith("_"):
            self.refuse(node, "name", f"`{name}`", rules.DENIED_NAMES[name])
        if name in rules.ATTRIBUTE_FUNCTIONS and not self._is_called(node):
            self.refuse(
                node, "name", f"passing `{name}` around", "call it directly with a plain string"
            )

    def _FunctionDef(self, node: ast.FunctionDef) -> None:
        self._binding(node, node.name)
        self._annotation(node.returns)

    def _ClassDef(self, node: ast.ClassDef) -> None:
        self._binding(node, node.name)

    def _arg(self, node: ast.arg) -> None:
        self._binding(node, node.arg)
        self._annotation(node.annotation)

    def _AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)

    def _ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self._binding(node, node.name)

    def _Global(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            self._binding(node, name)

    _Nonlocal = _Global

    def _MatchAs(self, node: ast.MatchAs) -> None:
        self._binding(node, node.name)

    def _MatchStar(self, node: ast.MatchStar) -> None:
        self._binding(node, node.name)

    def _MatchMapping(self, node: ast.MatchMapping) -> None:
        self._binding(node, node.rest)

    def _MatchClass(self, node: ast.MatchClass) -> None:
        for name in node.kwd_attrs:  # `case C(attr=x)` reads `attr` from the subject
            self._attribute_name(node, rules.normalize(name), base=None)

    def _annotation(self, node: ast.expr | None) -> None:
        """Text annotations can be evaluated as code (`typing.get_type_hints`, singledispatch)."""
        if node is None:
            return
        for sub in ast.walk(node):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                self.refuse(
                    sub,
                    "annotation",
                    f"the text annotation `{rules.shown(sub.value)}`",
                    "text annotations can be run as code; write the type itself or leave it out",
                )

    # Async

    def _AsyncFunctionDef(self, node: ast.AST) -> None:
        self.refuse(node, "async", "async code", "chart code runs once from top to bottom")

    _Await = _AsyncFor = _AsyncWith = _AsyncFunctionDef

    # Imports

    def _Import(self, node: ast.Import) -> None:
        for alias in node.names:
            why = rules.import_refusal(alias.name)
            if why:
                self.refuse(node, "import", f"importing `{alias.name}`", why)
            self._binding(node, alias.asname)

    def _ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            self.refuse(node, "import", "a relative import", "chart code is a single file")
            return
        why = rules.import_refusal(module)
        if why:
            self.refuse(node, "import", f"importing `{module}`", why)
            return
        for alias in node.names:
            name = rules.normalize(alias.name)
            if name == "*":
                self.refuse(
                    node, "import", f"`from {module} import *`", "import the names you need"
                )
                continue
            why = rules.submodule_refusal(f"{module}.{name}")
            why = why or self._attribute_why(name, module)
            if name in rules.EXPRESSION_METHODS:  # `from pandas import eval as ev` dodges checks
                why = rules.WHY_CODE
            if why:
                self.refuse(node, "import", f"importing `{name}` from `{module}`", why)
            self._binding(node, alias.asname)

    # Attributes

    def _attribute_why(self, name: str, base: str | None) -> str | None:
        why = rules.attribute_refusal(name, base=base)
        if why is None and name in rules.PATH_WRITERS:
            why = rules.WHY_WRITE  # outside a plain call we can't see where it writes
        return why

    def _attribute_name(self, node: ast.AST, name: str, base: str | None) -> None:
        why = self._attribute_why(name, base)
        if why:
            self.refuse(node, "attribute", f"the attribute `{name}`", why)

    def _Attribute(self, node: ast.Attribute) -> None:
        name = rules.normalize(node.attr)
        base = self._qualified(node.value)
        qualified = self._qualified(node)
        part_why = rules.submodule_refusal(qualified) if qualified else None
        if part_why and not (base and rules.submodule_refusal(base)):
            self.refuse(node, "attribute", f"`{syntax.dotted(node)}`", part_why)
        elif part_why:
            pass  # reported once, at the outermost refused part (`pd.io`, not `pd.io.common`)
        elif name in rules.PATH_WRITERS and self._is_called(node):
            pass  # checked with its arguments in `_Call`
        elif name in rules.EXPRESSION_METHODS and not self._is_called(node):
            self.refuse(node, "call", f"`{name}` used without calling it", rules.WHY_CODE)
        else:
            self._attribute_name(node, name, base)
        if name in ("format", "format_map") and not syntax.is_str(node.value):
            self.refuse(
                node,
                "call",
                f"`.{name}()` on a computed template",
                "format templates can look up attributes; use an f-string or a literal template",
            )
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._patching(node, node.value)

    def _Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Store | ast.Del):
            self._patching(node, node.value)

    def _patching(self, target: ast.expr, base: ast.expr) -> None:
        root = syntax.root_name(base)
        if root is not None and root in self.aliases:
            self.refuse(
                target,
                "assign",
                f"changing `{rules.shown(syntax.dotted(target) or root)}`",
                "chart code may not modify imported modules; keep changes in your own variables",
            )

    # Strings

    def _Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str):
            return
        text = rules.normalize(node.value)
        if rules.is_dunder(text):
            self.refuse(node, "string", f"the string `{text}`", rules.WHY_PRIVATE)
        for name in rules.format_attributes(text):
            why = rules.attribute_refusal(name)
            if why:
                self.refuse(node, "format", f"the format field `.{rules.shown(name)}`", why)

    def _keyword(self, node: ast.keyword) -> None:
        if node.arg is not None and rules.is_dunder(node.arg):
            self.refuse(node, "string", f"the keyword `{node.arg}`", rules.WHY_PRIVATE)

    # Calls

    def _Call(self, node: ast.Call) -> None:
        name = syntax.called_name(node.func)
        if name is None:
            return
        if isinstance(node.func, ast.Name):
            self._name_call(node, name)
        if name in rules.PATH_WRITERS and isinstance(node.func, ast.Attribute):
            self._path_writer(node, name)
        if name in rules.EXPRESSION_METHODS and isinstance(node.func, ast.Attribute):
            self._expression(node, name)
        if name in rules.METHOD_NAME_CALLS:
            for text_node in syntax.method_names(node):
                self._method_name_string(text_node, name)
        if name in rules.CLASS_FACTORIES and (node.args or node.keywords):
            self.refuse(node, "call", f"calling `{name}(…)`", rules.WHY_CLASSES)
        if name in rules.OPTION_CALLS:
            self._options(node, name)
        if name in ("attrgetter", "methodcaller"):
            self._getter(node, name)
        if any(k.arg == "backend" for k in node.keywords):
            self.refuse(
                node, "call", "the `backend` argument", "it loads a plotting module by name"
            )
        if name not in rules.DATA_CALLS and not name.endswith(("Error", "Exception", "Warning")):
            for value, text in syntax.call_strings(node):
                if rules.looks_like_location(text):
                    where = f"the location `{rules.shown(rules.normalize(text))}`"
                    self.refuse(value, "location", where, rules.WHY_LOCATION)

    def _name_call(self, node: ast.Call, name: str) -> None:
        why = rules.io_refusal(name)
        if why:
            self.refuse(node, "call", f"`{name}`", why)
        if name in rules.ATTRIBUTE_FUNCTIONS:
            self._attribute_function(node, name)
        if name == "type" and (len(node.args) != 1 or node.keywords):
            self.refuse(node, "call", "`type()` with three arguments", rules.WHY_CLASSES)

    def _attribute_function(self, node: ast.Call, name: str) -> None:
        args = node.args
        if len(args) < 2 or node.keywords or any(isinstance(a, ast.Starred) for a in args[:2]):
            self.refuse(
                node, "call", f"`{name}` without a plain attribute name", _WHY_COMPUTED_ATTRIBUTE
            )
            return
        if not syntax.is_plain_str(args[1]):
            self.refuse(
                node, "call", f"`{name}` with a computed attribute name", _WHY_COMPUTED_ATTRIBUTE
            )
        else:
            self._literal_attribute(node, rules.normalize(str(syntax.constant(args[1]))))
        if name in ("setattr", "delattr"):
            self._patching(node, args[0])

    def _literal_attribute(self, node: ast.AST, attribute: str) -> None:
        if rules.is_dunder(attribute):
            return  # `_Constant` already refuses the string itself
        why = self._attribute_why(attribute, None) or rules.DENIED_NAMES.get(attribute)
        if attribute in rules.EXPRESSION_METHODS:
            why = rules.WHY_CODE
        if why:
            self.refuse(node, "attribute", f"the attribute `{rules.shown(attribute)}`", why)

    def _getter(self, node: ast.Call, name: str) -> None:
        texts = node.args if name == "attrgetter" else node.args[:1]
        if not texts or (node.keywords and name == "attrgetter"):
            self.refuse(node, "call", f"`{name}` without a plain name", _WHY_COMPUTED_ATTRIBUTE)
        for arg in texts:
            if not syntax.is_plain_str(arg):
                self.refuse(node, "call", f"`{name}` with a computed name", _WHY_COMPUTED_ATTRIBUTE)
                continue
            for part in rules.normalize(str(syntax.constant(arg))).split("."):
                self._literal_attribute(node, part)

    def _path_writer(self, node: ast.Call, name: str) -> None:
        keywords = {k.arg for k in node.keywords}
        if node.args or None in keywords or keywords & rules.PATH_KEYWORDS:
            self.refuse(
                node,
                "call",
                f"`{name}` with a destination",
                f"chart code can't write files; `{name}()` without a path returns the text",
            )

    def _expression(self, node: ast.Call, name: str) -> None:
        given = [k.value for k in node.keywords if k.arg == "expr"]
        expression = node.args[0] if node.args else (given[0] if given else None)
        if expression is None:
            return
        for keyword in node.keywords:
            if keyword.arg in rules.EXPRESSION_NAMESPACES or keyword.arg is None:
                self.refuse(
                    node, "call", f"`{name}` with `{keyword.arg or '**'}`", _WHY_EXPRESSION_VARS
                )
        if not syntax.is_plain_str(expression):
            self.refuse(
                node,
                "call",
                f"`{name}` with a computed expression",
                f'pass the expression as a plain string, e.g. `df.{name}("revenue > 100")`',
            )
            return
        text = rules.normalize(str(syntax.constant(expression)))
        if "@" in text:
            self.refuse(node, "call", f"`{name}` with `@` variables", _WHY_EXPRESSION_VARS)
        if "__" in text or any(
            rules.attribute_refusal(a) for a in rules.format_attributes("{" + text + "}")
        ):
            self.refuse(
                node, "call", f"the `{name}` expression `{rules.shown(text)}`", rules.WHY_PRIVATE
            )

    def _method_name_string(self, node: ast.Constant, method: str) -> None:
        text = rules.normalize(str(node.value))
        if not text.isidentifier():
            return
        why = rules.BANNED_ATTRIBUTES.get(text) or rules.io_refusal(text)
        if text.startswith("__") or text in rules.EXPRESSION_METHODS:
            why = rules.WHY_PRIVATE if text.startswith("__") else rules.WHY_CODE
        if why is None and text in rules.PATH_WRITERS:
            why = rules.WHY_WRITE
        if why:
            self.refuse(node, "call", f"`{method}` with the method name `{text}`", why)

    def _options(self, node: ast.Call, name: str) -> None:
        if len(node.args) == 1 and isinstance(node.args[0], ast.Dict):
            keys: list[ast.expr | None] = list(node.args[0].keys)
        else:
            keys = list(node.args[::2] if name != "reset_option" else node.args)
        if node.keywords:
            keys.append(None)
        for key in keys:
            plain = key is not None and syntax.is_plain_str(key)
            text = rules.normalize(str(syntax.constant(key))) if key is not None and plain else ""
            if not plain or not rules.safe_option(text):
                shown = f" `{rules.shown(text)}`" if text else ""
                self.refuse(
                    node,
                    "call",
                    f"`{name}` for the option{shown}",
                    "only plain `display.*` options may be set",
                )

    # Helpers

    def _is_called(self, node: ast.expr) -> bool:
        parent = self.parents.get(id(node))
        return isinstance(parent, ast.Call) and parent.func is node

    def _qualified(self, node: ast.expr) -> str | None:
        return syntax.qualified(node, self.aliases)


_WHY_COMPUTED_ATTRIBUTE = "write the attribute directly (`obj.name`) or as a plain string"
_WHY_EXPRESSION_VARS = (
    "it reaches Python variables from inside the expression; filter with ordinary pandas, "
    'e.g. `df[df["revenue"] > limit]`'
)
