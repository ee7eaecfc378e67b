"""The bubblewrap jail the renderer process runs in.

    bwrap --unshare-all (user, pid, net, ipc, uts, cgroup, mount) --disable-userns --cap-drop ALL
          --die-with-parent --new-session --clearenv   (uid/gid 65534 inside)

Visible inside, all read-only unless noted:
- /usr (and the /bin, /lib* links into it), the Python install and its site-packages;
- of /etc only fonts config, the dynamic linker cache and Chromium's launcher config;
- of this repository only `render/` and `core/` (on an empty tmpfs at the repo's path, so a
  `.env` beside them is never visible, even when the repo sits under /usr or a venv);
- private, writable: a tmpfs /tmp (Chromium's profile and, with `--disable-dev-shm-usage`, its
  shared memory) and a tmpfs /dev/shm; a minimal /dev and a /proc of the jail's own pid
  namespace.
No network interface but a downed loopback; the environment is PATH, HOME, LANG, PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import RenderFailed
from sandbox.bubblewrap import python_paths, system_mounts

JAIL_UID = 65534  # "nobody" inside the jail's user namespace
JAIL_TMP = "/tmp"  # noqa: S108 - a private tmpfs inside the jail, not the host's /tmp
REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("render", "core")  # all the renderer process imports from this repository
# Chromium's launcher script sources /etc/chromium.d; fontconfig reads /etc/fonts.
ETC_PATHS = ("/etc/fonts", "/etc/ld.so.cache", "/etc/chromium.d")
BWRAP_HINT = (
    "The renderer runs in bubblewrap: install it (`apt-get install bubblewrap` on Debian/Ubuntu) "
    "or pass bwrap_path to RendererProcess."
)
_TMP_MB = 512
_SHM_MB = 64


def find_bwrap(bwrap_path: str | None = None) -> str:
    """The bubblewrap binary, or `RenderFailed` saying how to install it."""
    path = bwrap_path or shutil.which("bwrap")
    if path is None or not os.access(path, os.X_OK):
        raise RenderFailed(f"bubblewrap (`bwrap`) was not found at {path or 'PATH'}. {BWRAP_HINT}")
    return path


def jail_command(
    argv: Sequence[str],
    *,
    bwrap: str,
    python: str | None = None,
    repo_root: Path = REPO_ROOT,
) -> list[str]:
    """The command line that runs `python *argv` inside the renderer's jail."""
    python = python or sys.executable
    root = str(repo_root)
    env = {"PATH": "/usr/bin:/bin", "HOME": JAIL_TMP, "LANG": "C.UTF-8", "PYTHONPATH": root}
    args = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--uid", str(JAIL_UID),
        "--gid", str(JAIL_UID),
        "--disable-userns",
        "--cap-drop", "ALL",
        "--die-with-parent",
        "--new-session",
        "--hostname", "renderer",
        "--clearenv",
    ]  # fmt: skip
    for key, value in env.items():
        args += ["--setenv", key, value]
    args += system_mounts(tmp_mb=_TMP_MB, shm_mb=_SHM_MB, tmp=JAIL_TMP)
    for path in ETC_PATHS:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    inside_repo = [p for p in python_paths(python) if _inside(p, root)]
    for path in python_paths(python):
        if path not in inside_repo:
            args += ["--ro-bind", path, path]
    # An empty tmpfs over the repository hides whatever an earlier bind exposed of it (.env,
    # the other packages); then only the venv (if it lives there) and our packages come back.
    args += ["--tmpfs", root]
    for path in inside_repo:
        args += ["--ro-bind", path, path]
    for package in PACKAGES:
        args += ["--ro-bind", str(repo_root / package), str(repo_root / package)]
    args += ["--remount-ro", root, "--chdir", JAIL_TMP, "--", python, *argv]
    return args


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")
