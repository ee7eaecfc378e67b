"""The renderer process: `python -m render.server`, run by `render.process` inside bubblewrap.

It reads framed requests on stdin and writes framed replies on stdout (see `render.protocol`),
one at a time, rendering with a `KaleidoRenderer` whose Chromium stays warm between requests.
It knows no secrets and reads no settings: everything it needs comes on its command line.
Logs go to stderr; stdout carries frames only (fd 1 is pointed at stderr once the frame pipe
is set aside, so a stray print or a child's output can't corrupt the stream).

Chromium runs without a jail of its own (`isolate_network=False`): the whole process tree is
already in one with no network. A nested bwrap would need the outer jail to allow user
namespaces (a large kernel surface), and even then can't mount its /proc there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import fields
from typing import Any, BinaryIO

from core.errors import RenderFailed
from render import protocol
from render.kaleido_renderer import KaleidoRenderer
from render.limits import FigureLimits

logger = logging.getLogger("render.server")


def main(argv: list[str] | None = None) -> int:
    """Serve render requests until stdin closes."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("render").setLevel(logging.INFO)  # Kaleido's INFO is a line per step
    limits = FigureLimits(**json.loads(args.limits)) if args.limits else FigureLimits()
    # The frame pipes get fds of their own; 0 and 1 then point where they can do no harm, so
    # Chromium (which inherits them) and any library that prints stay off the frame stream.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    renderer = KaleidoRenderer(
        timeout_s=args.timeout_s,
        limits=limits,
        max_renders=args.max_renders,
        isolate_network=False,  # the jail has no network; see the module docstring
    )
    max_payload = limits.max_json_bytes
    asyncio.run(serve(renderer, requests, replies, max_payload_bytes=max_payload))
    return 0


async def serve(
    renderer: KaleidoRenderer, requests: BinaryIO, replies: BinaryIO, *, max_payload_bytes: int
) -> None:
    """Answer framed requests from `requests` on `replies` until end of input."""
    logger.info("renderer process ready (pid %d in its namespace)", os.getpid())
    try:
        while True:
            try:
                request = await _read_frame(requests, max_payload_bytes)
            except protocol.ProtocolError:
                logger.exception("unreadable request; exiting")
                return
            if request is None:
                logger.info("end of input; exiting")
                return
            header, payload = request
            reply = protocol.encode(*await handle(renderer, header, payload))
            await asyncio.to_thread(_write, replies, reply)
    finally:
        await renderer.aclose()


async def handle(
    renderer: KaleidoRenderer, header: dict[str, Any], payload: bytes
) -> tuple[dict[str, Any], bytes]:
    """One request's reply: (header, payload)."""
    op = header.get("op")
    try:
        if op == "ping":
            await renderer.start()  # the first ping is what launches Chromium
            return {"ok": True}, b""
        if op == "png":
            figure = json.loads(payload)
            width, height, scale = header.get("width"), header.get("height"), header.get("scale")
            if not (isinstance(width, int) and isinstance(height, int)):
                return {"ok": False, "error": "width and height must be integers"}, b""
            if not isinstance(scale, (int, float)):
                return {"ok": False, "error": "scale must be a number"}, b""
            image = await renderer.png(figure, width=width, height=height, scale=float(scale))
            return {"ok": True}, image
        return {"ok": False, "error": f"unknown op {op!r}"}, b""
    except RenderFailed as exc:
        return {"ok": False, "error": str(exc)}, b""
    except ValueError as exc:  # payload not JSON
        return {"ok": False, "error": f"the figure is not JSON: {exc}"}, b""
    except Exception as exc:
        # Report it and keep serving: one bad request must not take the warm browser down.
        logger.exception("unexpected error handling %r", op)
        return {"ok": False, "error": f"renderer error: {exc!r}"}, b""


async def _read_frame(
    requests: BinaryIO, max_payload_bytes: int
) -> tuple[dict[str, Any], bytes] | None:
    prefix = await asyncio.to_thread(requests.read, protocol.PREFIX.size)
    if not prefix:
        return None
    if len(prefix) < protocol.PREFIX.size:
        raise protocol.ProtocolError("input ended inside a frame")
    header_len, payload_len = protocol.lengths(prefix, max_payload_bytes=max_payload_bytes)
    body = await asyncio.to_thread(requests.read, header_len + payload_len)
    if len(body) < header_len + payload_len:
        raise protocol.ProtocolError("input ended inside a frame")
    return protocol.decode_header(body[:header_len]), body[header_len:]


def _write(replies: BinaryIO, frame: bytes) -> None:
    replies.write(frame)
    replies.flush()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m render.server", description=__doc__)
    parser.add_argument("--timeout-s", type=float, default=60.0, help="limit per image")
    parser.add_argument("--max-renders", type=int, default=500, help="recycle Chromium after")
    parser.add_argument(
        "--limits",
        default="",
        help="FigureLimits as a JSON object; fields: "
        + ", ".join(f.name for f in fields(FigureLimits)),
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
