"""`KaleidoRenderer`: figure JSON to PNG through Kaleido, with one Chromium kept warm.

The worker doesn't use it directly: it runs inside the jailed renderer process
(`render.server`, driven by `render.process.RendererProcess`), with `isolate_network=False`
because that whole process already has no network.

Kaleido and choreographer are imported here and nowhere else; their errors become
`RenderFailed`. Chromium parses figure JSON that generated code shaped, with its own sandbox off
(Kaleido's default), so it is started:

- with an environment of its own (PATH, HOME, LANG), not the worker's tokens and keys;
- inside bubblewrap with a new network, pid and IPC namespace (no route anywhere, not even the
  host's loopback; it can't see the worker's /proc) and a read-only view of the filesystem except
  /tmp, where its profile lives;
- with flags that point any request at a dead proxy and switch off Chromium's own background
  traffic (updates, metrics, DNS prefetch), and with MathJax (a CDN script) off.

Calls are serialised with a lock (Kaleido is not safe for concurrent use); each has an outer
timeout; after a timeout or a browser failure Chromium is thrown away and started again on the
next call, and it is recycled every `max_renders` images to bound leaks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
from collections.abc import MutableMapping, Sequence
from typing import Any

import kaleido
from choreographer.browsers.chromium import Chromium
from choreographer.errors import BrowserClosedError, BrowserFailedError, ChannelClosedError
from kaleido.errors import ChromeNotFoundError, JavascriptError, KaleidoError

from core.errors import RenderFailed
from render.limits import DEFAULT_LIMITS, FigureLimits, check_figure, check_size

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHROMIUM_HINT = "Install Chromium (`apt-get install chromium` on Debian) or pass chromium_path."
BWRAP_HINT = (
    "Install bubblewrap (`apt-get install bubblewrap`) so Chromium can run without network, "
    "or construct KaleidoRenderer(isolate_network=False) on a host that is offline by design."
)
_CLOSE_TIMEOUT_S = 10.0
_BROWSER_GONE = (BrowserClosedError, BrowserFailedError, ChannelClosedError)
# Chromium's profile directory lives here (choreographer makes it); the one writable place.
_TMP = "/tmp"  # noqa: S108

# Chromium flags on top of choreographer's own (headless, no GPU, no extensions...).
_OFFLINE_FLAGS = (
    # Any http(s)/ws request goes to a proxy that isn't there, and no name resolves.
    "--proxy-server=socks5://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--dns-prefetch-disable",
    "--disable-background-networking",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--no-pings",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
)


def _isolated_chromium(bwrap: str | None) -> type[Chromium]:
    """A choreographer `Chromium` that runs offline, with a clean environment, in bwrap."""

    class OfflineChromium(Chromium):
        def get_cli(self) -> Sequence[str]:
            cli = [*super().get_cli(), *_OFFLINE_FLAGS]
            if bwrap is None:
                return cli
            jail = [
                bwrap,
                "--ro-bind", "/", "/",
                "--dev-bind", "/dev", "/dev",
                "--proc", "/proc",
                "--bind", _TMP, _TMP,
                "--unshare-net", "--unshare-pid", "--unshare-ipc",
                "--die-with-parent",
                "--",
            ]  # fmt: skip
            return [*jail, *cli]

        def get_env(self) -> MutableMapping[str, str]:
            return {"PATH": "/usr/bin:/bin", "HOME": _TMP, "LANG": "C.UTF-8"}

    return OfflineChromium


class KaleidoRenderer:
    """Renders figure JSON to PNG with Kaleido; one Chromium, started once and reused.

    Args:
        timeout_s: limit for one image (and for starting Chromium); past it the call raises
            `RenderFailed` and Chromium is restarted on the next call.
        chromium_path: the browser; Kaleido looks for Chrome/Chromium on its own when None.
        limits: what a figure and an image size may ask for (see `render.limits`).
        max_renders: restart Chromium after this many images.
        isolate_network: run Chromium in bubblewrap namespaces (needs `bwrap`).
        bwrap_path: the bubblewrap binary; found on PATH when None.
    """

    def __init__(
        self,
        *,
        timeout_s: float = 60.0,
        chromium_path: str | None = None,
        limits: FigureLimits = DEFAULT_LIMITS,
        max_renders: int = 500,
        isolate_network: bool = True,
        bwrap_path: str | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.limits = limits
        self.max_renders = max_renders
        self._chromium_path = chromium_path
        self._isolate_network = isolate_network
        self._bwrap_path = bwrap_path
        self._kaleido: Any = None  # kaleido.Kaleido while a browser is up
        self._renders = 0
        self._lock = asyncio.Lock()

    @property
    def browser_pid(self) -> int | None:
        """Process id (and process group) of the running browser tree, if one is up."""
        process = getattr(self._kaleido, "subprocess", None)
        return None if process is None else int(process.pid)

    async def start(self) -> None:
        """Launch Chromium now rather than on the first render (worker start-up)."""
        async with self._lock:
            await self._ensure_browser()

    async def png(self, figure: dict[str, Any], *, width: int, height: int, scale: float) -> bytes:
        """Render `figure` (Plotly figure JSON) as PNG bytes of `width`x`height` CSS px × `scale`.

        Raises `RenderFailed` if the figure is over the limits, plotly.js rejects it, Chromium
        fails, or the render takes longer than `timeout_s`.
        """
        check_size(width, height, scale, self.limits)
        check_figure(figure, self.limits)
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        async with self._lock:
            image = await self._render(figure, opts)
            self._renders += 1
            if self._renders >= self.max_renders:
                await self._discard(f"recycling after {self._renders} renders")
        if not isinstance(image, bytes) or not image.startswith(PNG_SIGNATURE):
            raise RenderFailed("Kaleido returned something other than a PNG image")
        return image

    async def _render(self, figure: dict[str, Any], opts: dict[str, Any]) -> Any:
        # A browser that died since the last call (crash, OOM kill) may still look alive for a
        # moment; its channel then fails at once. That gets one retry on a fresh browser.
        for attempt in (1, 2):
            k = await self._ensure_browser()
            try:
                return await asyncio.wait_for(k.calc_fig(figure, opts=opts), self.timeout_s)
            except TimeoutError:
                await self._discard("render timed out")
                raise RenderFailed(f"rendering took longer than {self.timeout_s:g} s") from None
            except (KaleidoError, JavascriptError) as exc:
                # plotly.js refused the figure; the browser itself is fine.
                raise RenderFailed(f"plotly.js could not draw the figure: {exc}") from exc
            except _BROWSER_GONE as exc:
                await self._discard(f"browser gone: {exc!r}")
                if attempt == 2:
                    raise RenderFailed(f"Chromium failed while rendering: {exc}") from exc
                logger.warning("chromium was gone before the render; retrying on a fresh one")
            except Exception as exc:
                await self._discard(f"render failed: {exc!r}")
                raise RenderFailed(f"Chromium failed while rendering: {exc}") from exc
        raise AssertionError("unreachable")

    async def aclose(self) -> None:
        """Stop Chromium."""
        async with self._lock:
            await self._discard("renderer closed")

    async def _ensure_browser(self) -> Any:
        k = self._kaleido
        if k is not None and k.subprocess.poll() is None:
            return k
        if k is not None:
            await self._discard("browser exited")
        k = kaleido.Kaleido(
            n=1,
            timeout=self.timeout_s,
            mathjax=False,  # MathJax would come from a CDN; charts don't need TeX
            path=self._chromium_path,
            browser_cls=_isolated_chromium(self._bwrap()),
            enable_extensions=False,
            headless=True,
        )
        try:
            await asyncio.wait_for(k.open(), self.timeout_s)
        except ChromeNotFoundError as exc:
            raise RenderFailed(f"no Chromium found: {exc}. {CHROMIUM_HINT}") from exc
        except TimeoutError:
            self._kaleido = k
            await self._discard("start timed out")
            raise RenderFailed(f"Chromium did not start within {self.timeout_s:g} s") from None
        except Exception as exc:
            self._kaleido = k
            await self._discard(f"start failed: {exc!r}")
            raise RenderFailed(f"Chromium failed to start: {exc}. {CHROMIUM_HINT}") from exc
        self._kaleido = k
        self._renders = 0
        logger.info("chromium started", extra={"pid": self.browser_pid})
        return k

    def _bwrap(self) -> str | None:
        if not self._isolate_network:
            return None
        path = self._bwrap_path or shutil.which("bwrap")
        if path is None:
            raise RenderFailed(f"bubblewrap (`bwrap`) was not found. {BWRAP_HINT}")
        return path

    async def _discard(self, reason: str) -> None:
        """Close the current browser; kill its process group if it won't close in time."""
        k, self._kaleido = self._kaleido, None
        if k is None:
            return
        logger.info("stopping chromium: %s", reason)
        try:
            await asyncio.wait_for(k.close(), _CLOSE_TIMEOUT_S)
        except Exception:
            logger.warning("chromium did not close cleanly; killing it", exc_info=True)
        process = getattr(k, "subprocess", None)
        if process is not None and process.poll() is None:
            # The browser tree leads its own process group (choreographer starts a session).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await asyncio.to_thread(process.wait)
