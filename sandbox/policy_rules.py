"""What the chart-code policy allows: the tables and pure predicates behind `sandbox.policy`.

Most tables map a name to the plain-words reason shown in Slack, so adding a name is one line.
Names, attributes and strings are compared after NFKC normalization (`normalize`), so a
full-width `ｏｓ` or `＿＿class＿＿` in a string constant reads the same as its ASCII form.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CODE_BYTES = 100_000
MAX_AST_NODES = 50_000

# What the runner predefines for the chart code, by alias.
PREDEFINED_MODULES = {
    "pd": "pandas",
    "np": "numpy",
    "px": "plotly.express",
    "go": "plotly.graph_objects",
}
LIBRARIES = frozenset({"pandas", "numpy", "plotly"})
STDLIB_MODULES = frozenset(
    {
        "math", "statistics", "datetime", "re", "json", "collections", "itertools", "functools",
        "operator", "decimal", "fractions", "string", "textwrap", "calendar", "random", "typing",
        "dataclasses", "enum", "heapq", "bisect", "copy",
    }
)  # fmt: skip

WHY_IMPORT = (
    "chart code may only import pandas, numpy, plotly and a few standard modules (math, "
    "statistics, datetime, re, json, collections, itertools, functools…)"
)
WHY_PRIVATE = "names starting with an underscore reach Python internals"
WHY_SYSTEM = "it reaches system modules through an allowed library"
WHY_FRAMES = "it reaches the interpreter's frames, code objects or module table"
WHY_READ = "chart code can't read files or URLs; the data is already loaded as `df`"
WHY_WRITE = "chart code can't write files or the clipboard; Chartroom sends the chart itself"
WHY_SHOW = "Chartroom renders `fig` itself once the code finishes"
WHY_LOCATION = "reading files or URLs is not allowed; chart code works only on `df`"
WHY_MEMORY = "it gives raw memory access"
WHY_CODE = "it runs code built from text at run time"
WHY_CLASSES = "it builds classes from strings at run time; write a `class` statement instead"

# Parts of the allowed libraries that read or write files, or are internals or test harnesses.
_IO_PART = "that part of {lib} reads and writes files; the data is already loaded as `df`"
_INTERNAL_PART = "that part of {lib} is internal; use its public API"
REFUSED_SUBMODULES = {
    "pandas.io": _IO_PART.format(lib="pandas"),
    "pandas.compat": _INTERNAL_PART.format(lib="pandas"),
    "pandas.util": _INTERNAL_PART.format(lib="pandas"),
    "pandas.core": _INTERNAL_PART.format(lib="pandas") + " (`pd.api`, `pd.DataFrame`…)",
    "pandas.testing": "test helpers aren't needed to draw a chart",
    "pandas.test": "it runs pandas's own test suite",
    "pandas.tests": "it runs pandas's own test suite",
    "pandas.conftest": "test helpers aren't needed to draw a chart",
    "pandas.plotting": "pandas plotting loads other plotting modules by name; use Plotly",
    "numpy.ctypeslib": WHY_MEMORY,
    "numpy.f2py": "it compiles and loads native code",
    "numpy.distutils": "it compiles and loads native code",
    "numpy.testing": "test helpers aren't needed to draw a chart",
    "numpy.test": "it runs numpy's own test suite",
    "numpy.core": _INTERNAL_PART.format(lib="numpy"),
    "numpy.lib.format": _IO_PART.format(lib="numpy"),
    "numpy.lib.npyio": _IO_PART.format(lib="numpy"),
    "plotly.offline": "it writes HTML files and opens browsers; Chartroom renders `fig` itself",
}

# Attribute names refused on any object: ways out to the system, the interpreter or raw memory.
BANNED_ATTRIBUTES: dict[str, str] = {
    **dict.fromkeys(
        (
            "os", "sys", "subprocess", "builtins", "bltns", "importlib", "io", "compat", "common",
            "ctypes", "ctypeslib", "f2py", "testing", "pickle", "marshal", "gc", "inspect",
            "socket", "ast", "codecs", "copyreg", "dis", "types", "tokenize", "platform",
            "shutil", "pathlib", "tempfile", "urllib", "http", "requests", "fsspec", "gzip",
            "tarfile", "zipfile", "mmap", "threading", "multiprocessing", "signal", "resource",
            "nw", "narwhals", "pa", "pc", "pyarrow", "kaleido", "system", "popen", "Popen",
        ),
        WHY_SYSTEM,
    ),
    **dict.fromkeys(
        (
            "f_globals", "f_locals", "f_back", "f_builtins", "f_code", "f_trace", "gi_frame",
            "gi_code", "gi_yieldfrom", "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code",
            "tb_frame", "tb_next", "co_code", "co_consts", "func_globals", "func_code", "mro",
            "modules", "environ",
        ),
        WHY_FRAMES,
    ),
    "as_strided": WHY_MEMORY,
    "DummyArray": WHY_MEMORY,
    "Formatter": "its format templates can look up any attribute",
    "get_type_hints": "it evaluates text annotations as code",
    "ForwardRef": "it evaluates text annotations as code",
    "evaluate_forward_ref": "it evaluates text annotations as code",
    "make_dataclass": WHY_CLASSES,
    "new_class": WHY_CLASSES,
    "renderers": WHY_SHOW,
    "base_renderers": WHY_SHOW,
    "get_chrome": "it downloads a browser",
}  # fmt: skip

# Built-in names refused wherever they appear (called or passed around).
DENIED_NAMES: dict[str, str] = {
    **dict.fromkeys(("eval", "exec", "compile", "__import__"), WHY_CODE),
    "open": WHY_READ,
    **dict.fromkeys(("globals", "locals", "vars", "dir"), "it exposes namespaces and internals"),
    "breakpoint": "chart code runs unattended, with nobody to answer a debugger or a prompt",
    "input": "chart code runs unattended, with nobody to answer a debugger or a prompt",
    **dict.fromkeys(
        ("help", "exit", "quit", "license", "credits", "copyright"),
        "interactive helpers aren't available to chart code",
    ),
    "memoryview": WHY_MEMORY,
}
# Allowed only as a direct call whose attribute name is a plain string that passes the rules.
ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "delattr", "hasattr"})

# I/O, refused as attribute names, imported names and getattr strings.
_ALWAYS_IO: dict[str, str] = {
    **dict.fromkeys(
        (
            "load", "loadtxt", "genfromtxt", "fromfile", "fromregex", "memmap", "open_memmap",
            "DataSource", "ExcelFile", "HDFStore", "urlopen", "urlretrieve", "Path", "read_text",
            "read_bytes",
        ),
        WHY_READ,
    ),
    **dict.fromkeys(
        (
            "to_pickle", "to_clipboard", "tofile", "save", "savez", "savez_compressed", "savetxt",
            "dump", "ExcelWriter", "write_text", "write_bytes", "show_versions",
        ),
        WHY_WRITE,
    ),
    **dict.fromkeys(("show", "to_image", "full_figure_for_development"), WHY_SHOW),
}  # fmt: skip
# Text exporters: fine without a destination (they return the text), refused with one.
PATH_WRITERS = frozenset(
    {
        "to_csv", "to_excel", "to_parquet", "to_json", "to_html", "to_feather", "to_hdf",
        "to_sql", "to_stata", "to_latex", "to_markdown", "to_xml", "to_orc", "to_string",
    }
)  # fmt: skip
PATH_KEYWORDS = frozenset(
    {"path", "path_or_buf", "path_or_buffer", "buf", "excel_writer", "fname", "file", "con"}
)
# Methods that evaluate an expression string (`df.query`, `df.eval`, `pd.eval`).
EXPRESSION_METHODS = frozenset({"query", "eval"})
EXPRESSION_NAMESPACES = frozenset({"local_dict", "global_dict", "resolvers"})
# Methods that look strings up as method names: `df.agg("sum")` calls `df.sum()`.
METHOD_NAME_CALLS = frozenset(
    {"agg", "aggregate", "apply", "transform", "map", "applymap", "pipe", "NamedAgg"}
)
OPTION_CALLS = frozenset({"set_option", "option_context", "reset_option"})
_SAFE_OPTION = re.compile(r"display\.[a-z0-9_.]+")
CLASS_FACTORIES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"})

# Calls whose string arguments are data (cell values, column labels) and never fetched.
DATA_CALLS = frozenset(
    {
        "isin", "dropna", "between", "eq", "ne", "lt", "le", "gt", "ge", "contains",
        "startswith", "endswith", "match", "fullmatch", "search", "sub", "subn", "findall",
        "finditer", "compile", "extract", "extractall", "replace", "fillna", "where", "mask",
        "get", "count", "find", "rfind", "index", "split", "rsplit", "strip", "lstrip", "rstrip",
        "removeprefix", "removesuffix", "partition", "rpartition", "print",
    }
)  # fmt: skip
# Keyword arguments that are shown as text on the chart and never fetched.
_TEXT_KEYWORD = re.compile(r"(^|_)(title|text|name|names|label|labels|hovertemplate|texttemplate)$")

_LOCATION = re.compile(
    r"([a-z][a-z0-9+.\-]*://|file:|//|\\\\|~/|\.\./"
    r"|/(etc|proc|dev|sys|root|home|tmp|var|run|usr|bin|sbin|lib|lib64|opt|mnt|srv|boot|media"
    r"|sandbox|app|work)(/|$))"
)
_DUNDER = re.compile(r"__\w+__")
_FORMAT_FIELD = re.compile(r"\{([^{}]*)\}")
_FORMAT_ATTRIBUTE = re.compile(r"\.\s*([^.\[\]{}!:\s]*)")


def normalize(text: str) -> str:
    """NFKC form: how Python reads identifiers, applied to string constants too."""
    return unicodedata.normalize("NFKC", text)


def import_refusal(module: str) -> str | None:
    """Why importing `module` (a dotted name) is refused, or None when it is allowed."""
    parts = module.split(".")
    if any(p.startswith("_") for p in parts):
        return WHY_PRIVATE
    if parts[0] in STDLIB_MODULES:
        return None
    if parts[0] not in LIBRARIES:
        return WHY_IMPORT
    return submodule_refusal(module)


def submodule_refusal(dotted: str) -> str | None:
    """Why `dotted` (e.g. "pandas.io.common") lies in a refused part of an allowed library."""
    for prefix, why in REFUSED_SUBMODULES.items():
        if dotted == prefix or dotted.startswith(prefix + "."):
            return why
    return None


def io_refusal(name: str) -> str | None:
    """Why a function called `name` is refused as file, clipboard or screen I/O."""
    if name.startswith("read_"):
        return WHY_READ
    if name.startswith("write_"):
        return WHY_WRITE
    return _ALWAYS_IO.get(name)


def attribute_refusal(name: str, *, base: str | None = None) -> str | None:
    """Why the attribute `name` is refused; `base` is the dotted module it is read from if known.

    `io` is refused except as `plotly.io`, whose writers are refused one by one.
    """
    if name.startswith("_"):
        return WHY_PRIVATE
    if name == "io" and base == "plotly":
        return None
    return BANNED_ATTRIBUTES.get(name) or io_refusal(name)


def looks_like_location(text: str) -> bool:
    """True for text starting like a URL or a system path ("https://…", "/etc/…", "file:…").

    Tabs and line breaks are dropped first, as browsers drop them from URLs.
    """
    cleaned = re.sub(r"[\t\r\n]", "", normalize(text)).strip().lower()
    return _LOCATION.match(cleaned) is not None


def is_dunder(text: str) -> bool:
    return _DUNDER.fullmatch(normalize(text)) is not None


def is_text_keyword(keyword: str) -> bool:
    return _TEXT_KEYWORD.search(keyword) is not None


def format_attributes(text: str) -> list[str]:
    """Attribute names a `str.format` template would look up: "{0.__class__}" → ["__class__"]."""
    found: list[str] = []
    for field in _FORMAT_FIELD.findall(text):
        name = re.split(r"[!:]", field, maxsplit=1)[0]
        found += [a for a in _FORMAT_ATTRIBUTE.findall(name) if a]
    return found


def safe_option(key: str) -> bool:
    """pandas matches option keys as regular expressions; only plain `display.*` keys are safe."""
    return _SAFE_OPTION.fullmatch(key) is not None


def shown(text: str, limit: int = 60) -> str:
    """`text` fit for a backticked Slack snippet: one line, no backticks, at most `limit` chars."""
    flat = re.sub(r"\s+", " ", text).replace("`", "'")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
