"""The one way text from a person or a file goes to Slack: `escape` for mrkdwn, `visible` for
plain text.

File names, questions, column names, cell values, sheet names and model-written titles are all
untrusted. Unescaped, `<!channel>` in a CSV header would notify a whole channel and
`<https://evil|sign in again>` would be a link that reads as ours. So `escape`:

- drops invisible characters: bidi overrides and isolates (which make "cod.exe" read as
  "exe.doc"), zero-width spaces and joiners, and other control characters;
- writes Slack's three control characters as entities (`&amp;`, `&lt;`, `&gt;`), as Slack's
  formatting guide asks (https://docs.slack.dev/messaging/formatting-message-text);
- shows what Slack would turn into a link (a URL, a `www.` or well-known domain) and spreadsheet
  formulas (`=HYPERLINK("…")`) as inline code, which Slack never links. When backticks in the
  text itself would pair up with those so that something stays outside code, it keeps no
  backtick at all and defangs links instead (`http[:]//evil[.]com`).

It is idempotent: text escaped where a value was placed passes the block builders' own
`escape` of the whole message unchanged, so nothing is escaped twice (`R&D` never reads
`R&amp;D`) and a builder that forgot to escape a value is still safe.
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings, overrides and isolates, marks, zero-width characters, and every other
# "format" character (Unicode category Cf) and control character but line breaks and tabs.
_KEPT_CONTROLS = frozenset("\n\t")
_UNESCAPED_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
_FORMULA = re.compile(r"^\s*(?:=|[+\-@]\s*[A-Za-z(])")
# A spreadsheet call anywhere in a text: `=HYPERLINK(`, `@SUM(`, after a space, quote or mark.
_FORMULA_CALL = re.compile(r"(?:(?<=^)|(?<=[\s\"'“(*_~]))[=+\-@][A-Za-z][\w.]*\(")
_COMMON_TLDS = (
    "com|net|org|io|co|ai|app|dev|info|biz|xyz|me|ly|gg|ru|cn|uk|de|fr|us|link|click|site|"
    "online|top|shop|live|page|zip|mov"
)
# Generous on purpose: text shown as code that Slack would not have linked costs nothing.
_LINKABLE = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.\-]*://|www\.|mailto:|tel:|slack:)[^\s`*_~]*"
    r"|[\w.+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+"
    rf"|[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.(?:{_COMMON_TLDS})(?![a-z0-9])(?:/[^\s`*_~]*)?"
)
_CODE_SPAN = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)


def visible(text: str) -> str:
    """`text` without invisible characters: what a Slack plain_text field may show as typed."""
    return "".join(c for c in text if _shown(c))


def escape(text: str) -> str:
    """Text from a person or a file, safe inside Slack mrkdwn (see the module docstring)."""
    text = _entities(visible(text))
    if _FORMULA.match(text) and not _CODE_SPAN.fullmatch(text):
        shown = as_code(text)
    else:
        parts = _CODE_SPAN.split(text)  # odd parts are code spans: Slack links nothing there
        shown = "".join(part if i % 2 else _neutral(part) for i, part in enumerate(parts))
    # Backticks from a file can pair up with ours so that a URL ends up outside every span;
    # then no backtick is kept at all and links are defanged instead.
    return _defanged(text) if _exposed(shown) else shown


def _exposed(text: str) -> bool:
    """Anything linkable, a formula or a stray backtick outside the code spans of `text`."""
    outside = _CODE_SPAN.sub(" ", text)
    return "`" in outside or bool(_LINKABLE.search(outside) or _FORMULA_CALL.search(outside))


def _defanged(text: str) -> str:
    """`text` with no backticks, links as `http[:]//evil[.]com` and formulas led by a quote."""
    flat = text.replace("`", "'")
    flat = _LINKABLE.sub(lambda m: m.group(0).replace(":", "[:]").replace(".", "[.]"), flat)
    return _FORMULA_CALL.sub(lambda m: "'" + m.group(0), flat)


def _neutral(text: str) -> str:
    """Formulas (to their closing parenthesis), then URLs, of text outside code as code."""
    out: list[str] = []
    at = 0
    for match in _FORMULA_CALL.finditer(text):
        if match.start() < at:
            continue
        end = _closing(text, match.end())
        out += [
            _LINKABLE.sub(_code_of, text[at : match.start()]),
            as_code(text[match.start() : end]),
        ]
        at = end
    out.append(_LINKABLE.sub(_code_of, text[at:]))
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """Where the call whose `(` ends just before `start` closes (quotes respected), or the end."""
    depth, quote = 1, ""
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _code_of(match: re.Match[str]) -> str:
    return as_code(match.group(0))


def code_block(text: str) -> str:
    """`text` as a ``` block (code, a fixed-width table): Slack links nothing inside one, so only
    invisible characters and the control characters need care; triple backticks inside would end
    the block early and are broken up with a modifier grave accent (ˋ), which looks alike."""
    shown = _entities(visible(text)).replace("```", "``\u02cb")
    return f"```{shown}```"


def cut(text: str, limit: int) -> str:
    """Escaped mrkdwn `text` in at most `limit` characters, ending "…" when cut: never inside an
    entity, and any code span or block the cut leaves open is closed (an open backtick would let
    Slack link the URL it was hiding)."""
    if len(text) <= limit:
        return text
    kept = re.sub(r"&[a-z]*$", "", text[: max(limit - 5, 0)])
    if kept.count("```") % 2:
        kept += "…```"
    elif kept.replace("```", "").count("`") % 2:
        kept += "…`"
    else:
        kept += "…"
    return kept


def as_code(text: str) -> str:
    """`text` as inline code on one line; its own backticks become quotes so it stays one span."""
    flat = " ".join(text.replace("`", "'").split())
    return f"`{flat}`" if flat else ""


def _entities(text: str) -> str:
    return _UNESCAPED_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def _shown(char: str) -> bool:
    if char in _KEPT_CONTROLS:
        return True
    return unicodedata.category(char) not in ("Cf", "Cc", "Cs", "Co", "Zl", "Zp")
