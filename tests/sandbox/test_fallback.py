"""`SANDBOX_BACKEND=auto` when Docker goes away mid-life: the next run falls back to the local
sandbox for good and says so; the chart still comes back. Docker is reached through a proxy on a
unix socket that the test shuts, with its open connections, as a stopped daemon would."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from sandbox.docker_executor import DockerExecutor
from sandbox.fallback import FallbackExecutor
from sandbox.local import LocalExecutor
from tests.sandbox.conftest import MakeExecutor

DOCKER_SOCKET = "/var/run/docker.sock"
IMAGE = "chartroom-sandbox:latest"
CODE = """
import plotly.express as px
fig = px.bar(df.groupby("region", as_index=False)["revenue"].sum(), x="region", y="revenue")
"""


class DockerProxy:
    """A unix socket forwarding to the Docker daemon, until `shut()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_unix_server(self._serve, path=str(self.path))

    def shut(self) -> None:
        """As a stopped daemon: nothing at the address, open connections dropped."""
        assert self.server is not None
        self.server.close()
        self.path.unlink(missing_ok=True)
        for writer in self.writers:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_unix_connection(DOCKER_SOCKET)
        self.writers += [writer, up_writer]
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def test_docker_lost_mid_life_falls_back_to_local_and_says_so(
    tmp_path: Path, make_executor: MakeExecutor, sales_parquet: Path
) -> None:
    socket_path = tmp_path / "docker.sock"
    proxy = DockerProxy(socket_path)
    await proxy.start()
    docker = DockerExecutor(
        image=IMAGE,
        docker_url=f"unix://{socket_path}",
        timeout_s=30.0,
        cpu_s=20,
        memory_mb=1024,
        cpus=1.0,
        pids_limit=64,
        max_output_bytes=5 * 1024 * 1024,
        pool_size=0,
        jobs_dir=tmp_path / "jobs",
    )
    made: list[LocalExecutor] = []

    def local() -> LocalExecutor:
        made.append(make_executor())
        return made[-1]

    executor = FallbackExecutor(docker, local)
    await executor.start()
    try:
        first = await executor.run(CODE, sales_parquet)
        assert (executor.name, executor.warning) == ("docker", None)
        proxy.shut()
        second = await executor.run(CODE, sales_parquet)
        assert executor.name == "local"
        assert "Docker went away" in str(executor.warning)
        assert second.figure["data"][0]["y"] == first.figure["data"][0]["y"]
        third = await executor.run(CODE, sales_parquet)  # stays local, no new attempt
        assert third.figure["data"][0]["type"] == "bar" and len(made) == 1
    finally:
        await executor.aclose()
