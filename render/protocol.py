"""The wire format between the worker and the renderer process (`render.server`).

Each message, either way, is one frame:

    4 bytes  header length, big-endian
    4 bytes  payload length, big-endian
    header   UTF-8 JSON object
    payload  raw bytes (figure JSON in a request, PNG in a reply; may be empty)

Requests: `{"op": "ping"}` (answered once Chromium is up) and
`{"op": "png", "width": int, "height": int, "scale": float}` with the figure JSON as payload.
Replies: `{"ok": true}` (+ PNG bytes for "png") or `{"ok": false, "error": "..."}`.
Pure functions only; each side does its own I/O.
"""

from __future__ import annotations

import json
import struct
from typing import Any

PREFIX = struct.Struct(">II")
MAX_HEADER_BYTES = 64 * 1024
# Room for a PNG at the largest allowed size (5000 px x scale 4 is 400 Mpx; PNG compresses
# plotly's flat colours well, but a noisy heatmap might not).
MAX_REPLY_BYTES = 256 * 1024 * 1024


class ProtocolError(Exception):
    """A frame that breaks the format; the stream can't be trusted after it."""


def encode(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One frame holding `header` and `payload`."""
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    if len(head) > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {len(head):,} bytes is over {MAX_HEADER_BYTES:,}")
    return PREFIX.pack(len(head), len(payload)) + head + payload


def lengths(prefix: bytes, *, max_payload_bytes: int) -> tuple[int, int]:
    """Header and payload lengths from a frame's first `PREFIX.size` bytes, both checked."""
    header_len, payload_len = PREFIX.unpack(prefix)
    if header_len > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {header_len:,} bytes is over {MAX_HEADER_BYTES:,}")
    if payload_len > max_payload_bytes:
        raise ProtocolError(f"payload of {payload_len:,} bytes is over {max_payload_bytes:,}")
    return header_len, payload_len


def decode_header(raw: bytes) -> dict[str, Any]:
    """The header's JSON object."""
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise ProtocolError("header is not a JSON object")
    return header
