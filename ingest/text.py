"""Turn the bytes of a text file into UTF-8 text, guessing the encoding the way spreadsheets write
it, without holding a big file in memory twice.

Decisions, in order: a byte-order mark; UTF-16 without one; valid UTF-8; UTF-8 with a few stray
bytes (replaced); UTF-8 mixed with a legacy code page (each invalid run read as Windows-1252, so
the UTF-8 CJK stays CJK); otherwise a legacy code page chosen by `encoding_guess`, where a short
European header such as `Région;Ventes` is never taken for a CJK code page.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.encoding_guess import guess_legacy_encoding

CHUNK_BYTES = 4 * 1024 * 1024
SAMPLE_BYTES = 256 * 1024
MAX_STRAY_BYTES = 8
_REAL_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_MIXED_ERRORS = "chartroom_cp1252_runs"

_ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16",
    "utf_16_be": "UTF-16",
    "cp1252": "Windows-1252 (Latin-1)",
    "latin_1": "Latin-1",
    "iso8859_1": "Latin-1",
}


@dataclass(frozen=True)
class TextEncoding:
    """How a file's bytes become text."""

    encoding: str  # a Python codec name
    errors: str = "strict"  # "replace" for stray bytes; the mixed handler for mixed files
    replaced: int = 0  # bytes that were not valid in `encoding`
    mixed: int = 0  # bytes read as Windows-1252 inside a UTF-8 file

    @property
    def note(self) -> str | None:
        """A note for the person when the encoding was not plain UTF-8 or bytes were replaced."""
        if self.mixed:
            return (
                f"Read the text as UTF-8, and {self.mixed:,} byte{'' if self.mixed == 1 else 's'}"
                " that weren't valid UTF-8 as Windows-1252"
            )
        if self.replaced:
            one = self.replaced == 1
            return (
                f"Replaced {self.replaced:,} byte{'' if one else 's'} that "
                f"{'was' if one else 'were'}n't valid UTF-8 with “\ufffd”"
            )
        if self.encoding in ("utf_8", "utf_8_sig"):
            return None
        return f"Decoded the text as {_ENCODING_NAMES.get(self.encoding, self.encoding)}"

    @property
    def is_plain_utf8(self) -> bool:
        """The bytes can be handed to a UTF-8 parser as they are."""
        return self.encoding in ("utf_8", "utf_8_sig") and self.errors == "strict"


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # a Python codec name
    replaced: int = 0

    @property
    def note(self) -> str | None:
        return TextEncoding(self.encoding, replaced=self.replaced).note


def utf16_without_bom(sample: bytes) -> str | None:
    """`"utf_16_le"`/`"utf_16_be"` when `sample` looks like BOM-less UTF-16 of mostly ASCII text."""
    head = sample[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf_16_le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf_16_be"
    return None


def detect_file_encoding(path: Path) -> TextEncoding:
    """The encoding of the text file at `path`, reading it once in chunks."""
    with path.open("rb") as fh:
        head = fh.read(SAMPLE_BYTES)
    fixed = _fixed_encoding(head)
    if fixed is not None:
        return fixed
    invalid, non_ascii = _utf8_scan(_chunks(path))
    return _choose(invalid, non_ascii, head)


def decode_text(data: bytes) -> DecodedText:
    """Decode a whole text file held in memory. Never raises for a bad byte."""
    encoding = _fixed_encoding(data[:SAMPLE_BYTES])
    if encoding is None:
        invalid, non_ascii = _utf8_scan(iter([data]))
        encoding = _choose(invalid, non_ascii, data[:SAMPLE_BYTES])
    text = data.decode(encoding.encoding, encoding.errors)
    if encoding.encoding == "utf_8_sig" or text.startswith("\ufeff"):
        text = text.removeprefix("\ufeff")
    return DecodedText(text, encoding.encoding, replaced=encoding.replaced or encoding.mixed)


def transcode_to_utf8(path: Path, encoding: TextEncoding, out: Path) -> Path:
    """Write `path`'s text to `out` as UTF-8 (no BOM), chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding.encoding)(errors=encoding.errors)
    first = True
    with out.open("w", encoding="utf_8", newline="") as sink:
        for chunk in _chunks(path):
            text = decoder.decode(chunk)
            if first:
                text, first = text.removeprefix("\ufeff"), False
            sink.write(text)
        sink.write(decoder.decode(b"", final=True))
    return out


def read_text_head(path: Path, encoding: TextEncoding, *, min_chars: int, max_chars: int) -> str:
    """At least `min_chars` of the start of the text (all of it if shorter), extended to the end of
    the first line when that line is longer, up to `max_chars`."""
    decoder = codecs.getincrementaldecoder(encoding.encoding)(errors=encoding.errors)
    parts: list[str] = []
    size, line_ended = 0, False
    for chunk in _chunks(path, 256 * 1024):
        text = decoder.decode(chunk)
        parts.append(text)
        size += len(text)
        line_ended = line_ended or "\n" in text
        if size >= max_chars or (size >= min_chars and line_ended):
            break
    return "".join(parts).removeprefix("\ufeff")[:max_chars]


def _fixed_encoding(head: bytes) -> TextEncoding | None:
    """Encodings told by the first bytes alone: a BOM, or UTF-16 without one."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextEncoding("utf_16", "replace")
    bomless = utf16_without_bom(head)
    if bomless is not None:
        return TextEncoding(bomless, "replace")
    return None


def _chunks(path: Path, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    with path.open("rb") as fh:
        while chunk := fh.read(size):
            yield chunk


def _utf8_scan(chunks: Iterator[bytes]) -> tuple[int, int]:
    """Invalid UTF-8 bytes, and real non-ASCII characters, in the whole text."""
    decoder = codecs.getincrementaldecoder("utf_8")(errors="replace")
    invalid = non_ascii = 0
    decoding = False  # once a chunk had non-ASCII bytes, a sequence may continue into the next
    for chunk in chunks:
        if not decoding and chunk.isascii():
            continue  # most data files are plain ASCII: nothing to decode
        decoding = True
        before = chunk.count(b"\xef\xbf\xbd")  # U+FFFD written in the file itself
        text = decoder.decode(chunk)
        invalid += text.count("\ufffd") - before
        non_ascii += len(_REAL_NON_ASCII.findall(text))
    tail = decoder.decode(b"", final=True)
    invalid += tail.count("\ufffd")
    return max(invalid, 0), non_ascii


def _choose(invalid: int, non_ascii: int, head: bytes) -> TextEncoding:
    sig = head.startswith(codecs.BOM_UTF8)
    plain = "utf_8_sig" if sig else "utf_8"
    if not invalid:
        return TextEncoding(plain)
    # A UTF-8 file with a few stray bytes (a bad paste) is still UTF-8; cp1252 would garble it.
    if invalid <= MAX_STRAY_BYTES and (non_ascii or sig):
        return TextEncoding(plain, "replace", replaced=invalid)
    # Real UTF-8 text beside runs that aren't: rows pasted from a cp1252 export.
    if non_ascii >= 2 and non_ascii * 10 >= invalid:
        return TextEncoding(plain, _MIXED_ERRORS, mixed=invalid)
    return TextEncoding(guess_legacy_encoding(head))


def _cp1252_runs(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes UTF-8 refused as Windows-1252 instead."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", "replace"), error.end


codecs.register_error(_MIXED_ERRORS, _cp1252_runs)
