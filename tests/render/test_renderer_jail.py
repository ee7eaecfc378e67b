"""What the renderer process can't have: the worker's secrets, a network, the repo's `.env`.

Checked from the host against the real process tree (`/proc/<pid>/environ`), and from inside the
real jail with small Python probes run through `render.jail.jail_command`.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import kaleido
import pytest
from aiohttp import web

from core.errors import RenderFailed
from render.jail import REPO_ROOT, find_bwrap, jail_command
from render.limits import check_figure
from render.process import RendererProcess

MakeProcess = Callable[..., RendererProcess]
CANARIES = {
    "SLACK_BOT_TOKEN": "xoxb-canary-1111-2222-bot-token",
    "SLACK_SIGNING_SECRET": "canary-signing-secret-3333",
    "GEMINI_API_KEY": "canary-gemini-key-4444",
    "AWS_SECRET_ACCESS_KEY": "canary-aws-secret-5555",
}
JAIL_ENV_KEYS = {"PATH", "HOME", "LANG", "PYTHONPATH"}


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1 that records every path it is asked for."""

    port: int = 0
    hits: list[str] = field(default_factory=list)


@pytest.fixture
async def local_server() -> AsyncIterator[LocalServer]:
    server = LocalServer()

    async def answer(request: web.Request) -> web.Response:
        server.hits.append(request.path)
        # An empty but valid MapLibre style, so a map that could reach us would render.
        return web.json_response({"version": 8, "sources": {}, "layers": []})

    app = web.Application()
    app.router.add_get("/{tail:.*}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    yield server
    await runner.cleanup()


async def test_process_tree_holds_none_of_the_workers_secrets(
    make_process: MakeProcess, bar_figure: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in CANARIES.items():
        monkeypatch.setenv(key, value)
    renderer = make_process()
    await renderer.png(bar_figure, width=400, height=300, scale=1)  # Chromium is up
    assert renderer.pid is not None

    tree = _descendants(renderer.pid)
    programs = {pid: _cmdline(pid).split(b"\0") for pid in tree}
    servers = [
        p for p, argv in programs.items() if b"python" in argv[0] and b"render.server" in argv
    ]
    browsers = [p for p, argv in programs.items() if b"chromium" in argv[0]]
    assert len(servers) == 1
    assert browsers  # Chromium's processes are in the tree and were checked too
    for pid in tree:  # bwrap, the jail's init, the server, Chromium and its helpers
        environ = _environ(pid)
        for key, value in CANARIES.items():
            assert value.encode() not in environ, f"{key} reached pid {pid}: {_cmdline(pid)!r}"
            assert key.encode() + b"=" not in environ
    server_env = dict(v.split(b"=", 1) for v in _environ(servers[0]).split(b"\0") if v)
    assert {k.decode() for k in server_env} <= JAIL_ENV_KEYS | {"PWD"}


async def test_a_figure_that_fetches_gets_nowhere_from_the_process(
    make_process: MakeProcess, local_server: LocalServer
) -> None:
    # A MapLibre style URL passes the figure limits (only layout images are checked for URLs),
    # and Chromium fetches it while drawing the map.
    figure = {
        "data": [{"type": "scattermap", "lat": [45.5, 46.8], "lon": [-73.6, -71.2]}],
        "layout": {"map": {"style": f"http://127.0.0.1:{local_server.port}/style.json"}},
    }
    check_figure(figure)

    # Control: a plain Kaleido outside any jail does fetch it, so the figure is a real probe.
    async with kaleido.Kaleido(n=1, mathjax=False) as plain:
        await plain.calc_fig(figure, opts={"format": "png", "width": 400, "height": 300})
    assert local_server.hits == ["/style.json"]
    local_server.hits.clear()

    renderer = make_process()
    # With nothing to fetch, plotly.js reports a map error; a PNG would be fine too.
    with pytest.raises(RenderFailed, match="Map error"):
        await renderer.png(figure, width=400, height=300, scale=1)
    assert local_server.hits == []


async def test_the_jail_has_no_network(local_server: LocalServer) -> None:
    url = f"http://127.0.0.1:{local_server.port}/from-host"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200  # reachable from the host
    probe = f"""
import json, socket
result = {{"interfaces": [name for _, name in socket.if_nameindex()]}}
for name, address in (("host_loopback", ("127.0.0.1", {local_server.port})),
                      ("outside", ("192.0.2.1", 80))):
    try:
        socket.create_connection(address, timeout=3).close()
        result[name] = "connected"
    except OSError as exc:
        result[name] = type(exc).__name__
print(json.dumps(result))
"""
    result = json.loads(await _run_in_jail(probe))

    assert result["interfaces"] == ["lo"]  # the jail's own loopback, nothing else
    assert result["host_loopback"] != "connected"
    assert result["outside"] != "connected"
    assert local_server.hits == ["/from-host"]


async def test_only_render_and_core_of_the_repo_are_visible() -> None:
    probe = f"""
import json, os
root = {str(REPO_ROOT)!r}
print(json.dumps({{
    "listing": sorted(os.listdir(root)),
    "env_example": os.path.exists(os.path.join(root, ".env.example")),
    "render": os.path.exists(os.path.join(root, "render", "server.py")),
    "etc": sorted(os.listdir("/etc")),
    "root_home": os.path.exists("/root/.ssh"),
}}))
"""
    result = json.loads(await _run_in_jail(probe))

    assert (REPO_ROOT / ".env.example").exists()  # on the host it is there...
    assert result["env_example"] is False  # ...in the jail it is not
    assert set(result["listing"]) <= {"render", "core", ".venv"}  # .venv: the interpreter
    assert {"render", "core"} <= set(result["listing"])
    assert result["render"] is True
    assert result["etc"] == ["chromium.d", "fonts", "ld.so.cache"]
    assert result["root_home"] is False


async def test_host_wide_kernel_settings_and_dev_are_read_only_in_the_jail() -> None:
    # The jail's uid maps to the host's root when the worker runs as root: a writable
    # /proc/sys would let a compromised Chromium set kernel.core_pattern on the host.
    out = await _run_in_jail(
        "import os\n"
        "for path in ('/proc/sys/kernel/core_pattern', '/proc/sys/vm/drop_caches', '/dev/x'):\n"
        "    try:\n"
        "        os.close(os.open(path, os.O_WRONLY | os.O_CREAT))\n"
        "        print('writable', path)\n"
        "    except OSError as exc:\n"
        "        print('refused', path, exc.strerror)\n"
    )
    assert "writable" not in out
    assert out.count("refused") == 3


async def test_a_dot_env_beside_the_packages_is_hidden(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    for package in ("render", "core"):
        (repo / package).mkdir(parents=True)
        (repo / package / "__init__.py").write_text("")
    (repo / ".env").write_text(f"SLACK_BOT_TOKEN={CANARIES['SLACK_BOT_TOKEN']}\n")
    (repo / "workers").mkdir()
    probe = f"""
import json, os
root = {str(repo)!r}
print(json.dumps({{"listing": sorted(os.listdir(root)),
                   "dot_env": os.path.exists(os.path.join(root, ".env"))}}))
"""
    result = json.loads(await _run_in_jail(probe, repo_root=repo))

    assert result == {"listing": ["core", "render"], "dot_env": False}


async def test_stopping_leaves_no_process_of_the_tree(
    make_process: MakeProcess, bar_figure: dict[str, Any]
) -> None:
    renderer = make_process()
    await renderer.png(bar_figure, width=400, height=300, scale=1)
    assert renderer.pid is not None
    tree = _descendants(renderer.pid)
    assert len(tree) > 3

    os.killpg(renderer.pid, signal.SIGKILL)  # only bwrap's group; the jail's own go with it
    for _ in range(200):
        alive = [pid for pid in tree if Path(f"/proc/{pid}").exists()]
        # bwrap itself stays a zombie until the renderer reaps it; everything else must go.
        if alive in ([], [renderer.pid]):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"still alive after the kill: {alive}")
    await renderer.aclose()


async def _run_in_jail(code: str, *, repo_root: Path = REPO_ROOT) -> str:
    """Run `python -c code` in the renderer's jail; return its stdout."""
    command = jail_command(["-c", code], bwrap=find_bwrap(), repo_root=repo_root)
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin"},
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


def _descendants(root: int) -> list[int]:
    """`root` and every process below it, from the host's /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # exited while we looked
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # comm may hold spaces and ')'
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


def _environ(pid: int) -> bytes:
    return Path(f"/proc/{pid}/environ").read_bytes()
