"""Choose the legacy code page of a text that isn't UTF-8, distrusting decodings that look broken.

charset-normalizer ranks candidate code pages by statistics that need a lot of text; on a short
export from a European Excel (`Région;Ventes` and a few rows) it may name a CJK code page, which
turns "é" plus the next letter into one ideograph. Each candidate decoding is therefore scored for
mojibake: every run of non-ASCII characters should be either a few Latin letters inside a word
(Région, Zürich) or a stretch of CJK/kana/Hangul that does not sit wedged between ASCII letters.
Whole words in another alphabet (Cyrillic, Greek...) are plausible too. The least broken decoding
wins; Windows-1252, what Excel on Windows writes, wins ties.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

FALLBACK = "cp1252"
_GUESS_BYTES = 64 * 1024
_MAX_CANDIDATES = 6
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_ASCII_LETTER = re.compile("[A-Za-z]")
_DATA_SIGNS = frozenset("€£¥¢°²³µ§©®«»…•±×·–—‘’“”\u00a0")
_SCRIPTS = ("CYRILLIC", "GREEK", "HEBREW", "ARABIC", "THAI", "ARMENIAN", "GEORGIAN")


def guess_legacy_encoding(sample: bytes) -> str:
    """The Python codec that decodes `sample` (not valid UTF-8) with the least mojibake."""
    sample = sample[:_GUESS_BYTES]
    candidates = [FALLBACK, *_charset_normalizer_guesses(sample)]
    best: tuple[float, int, str] | None = None
    for order, encoding in enumerate(dict.fromkeys(candidates)):
        try:
            text = sample.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            try:
                # A sample cut inside a multi-byte character fails only at its very end.
                text = sample[:-4].decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
        score = (mojibake_share(text), order, encoding)
        if best is None or score < best:
            best = score
    if best is None:
        return "latin_1"  # decodes any byte
    return codecs.lookup(best[2]).name.replace("-", "_")


def mojibake_share(text: str) -> float:
    """The share of non-ASCII runs in `text` that look like a wrong decoding (0 = all fine)."""
    runs = list(_NON_ASCII_RUN.finditer(text))
    if not runs:
        return 0.0
    bad = sum(1 for run in runs if not _plausible(run.group(), text, run.start(), run.end()))
    return bad / len(runs)


def _plausible(run: str, text: str, start: int, end: int) -> bool:
    if any(unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs") for ch in run):
        return False
    if all(_is_cjk(ch) for ch in run):
        wedged = (
            start > 0
            and end < len(text)
            and _ASCII_LETTER.match(text[start - 1]) is not None
            and _ASCII_LETTER.match(text[end]) is not None
        )
        return not wedged
    # Accented letters come one or two at a time inside words ("Région", "Straße"), and so do the
    # signs data carries: "Montant (€)", "20 °C", "m²", quotes and dashes.
    if len(run) <= 2 and all(_is_latin_letter(ch) or ch in _DATA_SIGNS for ch in run):
        return True
    # Whole words in one other alphabet: "Москва", "Αθήνα".
    scripts = {_script(ch) for ch in run if not ch.isspace()}
    return len(scripts) == 1 and scripts.pop() in _SCRIPTS


def _script(ch: str) -> str:
    if not unicodedata.category(ch).startswith(("L", "M")):
        return "OTHER"
    return unicodedata.name(ch, "OTHER").split(" ")[0]


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def _is_latin_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, "")


def _charset_normalizer_guesses(sample: bytes) -> list[str]:
    matches = from_bytes(sample)
    names: list[str] = []
    for match in list(matches)[:_MAX_CANDIDATES]:
        names.append(match.encoding)
    return names
