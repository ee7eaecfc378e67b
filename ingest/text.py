"""Turn the bytes of a text file into `str`, guessing the encoding the way spreadsheets write it."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_SAMPLE_BYTES = 256 * 1024
_MAX_STRAY_BYTES = 8
_REAL_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")

# charset-normalizer often names a sibling single-byte code page for short Western text
# (cp1250, mac_roman...). Excel on Windows writes cp1252, so it wins when it decodes cleanly.
_SINGLE_BYTE_FAMILY = ("cp125", "latin", "iso8859", "mac_", "cp437", "cp850", "cp858", "ascii")

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
class DecodedText:
    text: str
    encoding: str  # a Python codec name
    replaced: int = 0  # bytes that were not valid in `encoding`, now "\ufffd"

    @property
    def note(self) -> str | None:
        """A note for the person when the encoding was not plain UTF-8 or bytes were replaced."""
        if self.replaced:
            one = self.replaced == 1
            return (
                f"Replaced {self.replaced:,} byte{'' if one else 's'} that "
                f"{'was' if one else 'were'}n't valid UTF-8 with “\ufffd”"
            )
        if self.encoding in ("utf_8", "utf_8_sig"):
            return None
        return f"Decoded the text as {_ENCODING_NAMES.get(self.encoding, self.encoding)}"


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


def decode_text(data: bytes) -> DecodedText:
    """Decode a whole text file. Never raises for a bad byte: the last resort is Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return DecodedText(data[len(codecs.BOM_UTF8) :].decode("utf_8", "replace"), "utf_8_sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(data.decode("utf_16", "replace"), "utf_16")
    bomless = utf16_without_bom(data)
    if bomless is not None:
        return DecodedText(data.decode(bomless, "replace"), bomless)
    try:
        return DecodedText(data.decode("utf_8"), "utf_8")
    except UnicodeDecodeError:
        pass
    # A UTF-8 file with a few stray bytes (a bad paste) is still UTF-8; cp1252 would garble it.
    lenient = data.decode("utf_8", "replace")
    stray = lenient.count("\ufffd")
    if stray <= _MAX_STRAY_BYTES and _REAL_NON_ASCII.search(lenient):
        return DecodedText(lenient, "utf_8", replaced=stray)
    guess = from_bytes(data[:_SAMPLE_BYTES]).best()
    candidates = []
    if guess is not None and not guess.encoding.startswith(_SINGLE_BYTE_FAMILY):
        candidates.append(guess.encoding)
    candidates.append("cp1252")
    if guess is not None:
        candidates.append(guess.encoding)
    for encoding in candidates:
        try:
            canonical = codecs.lookup(encoding).name.replace("-", "_")
            return DecodedText(data.decode(encoding), canonical)
        except (UnicodeDecodeError, LookupError):
            continue
    return DecodedText(data.decode("latin_1"), "latin_1")
