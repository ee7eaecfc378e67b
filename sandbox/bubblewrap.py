"""The bubblewrap jail chart code runs in: namespaces, an empty environment, read-only binds."""

from __future__ import annotations

import os
import sys
import sysconfig

SANDBOX_UID = 65534  # "nobody" inside the sandbox's user namespace
SANDBOX_TMP = "/tmp"  # noqa: S108 - a private tmpfs inside the sandbox, not the host's /tmp.
_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": SANDBOX_TMP,
    "TMPDIR": SANDBOX_TMP,
    "LANG": "C.UTF-8",
    "MPLCONFIGDIR": SANDBOX_TMP,
    "XDG_CACHE_HOME": SANDBOX_TMP,
    # One thread per BLAS/OpenMP pool: the code gets a small CPU budget anyway, and idle pools
    # would spend the address-space limit on thread stacks.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    # Arrow's default allocator (jemalloc) reserves ~1 GB of address space up front, which
    # would eat most of RLIMIT_AS before the code runs; the system allocator reserves as it goes.
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "MALLOC_ARENA_MAX": "2",
}


SHM_MB = 16  # POSIX shared memory (/dev/shm) for the chart code; it has no use for more
JAIL_SHM = "/dev/shm"  # noqa: S108 - a private, size-capped tmpfs inside the jail


def system_mounts(*, tmp_mb: int, shm_mb: int, tmp: str = SANDBOX_TMP) -> list[str]:
    """bwrap arguments for the parts of the filesystem every jail needs, hardened:

    - /usr and the /bin, /lib… links read-only;
    - a private /proc whose /proc/sys is covered read-only. bwrap leaves /proc/sys writable
      when the network namespace is private, and when the worker runs as root the jail's uid
      maps to the host's root, so host-wide sysctls (kernel.core_pattern!) would be writable;
    - a minimal /dev, read-only, with a size-capped /dev/shm (otherwise memory-backed files
      there escape every memory limit);
    - a size-capped scratch tmpfs at `tmp`.

    bwrap mounts in order: these come first, so an interpreter or venv that lives under /tmp
    on the host (a CI checkout, say) is bound on top of them instead of hidden by them.
    """
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    args += [
        "--proc", "/proc",
        "--ro-bind", "/proc/sys", "/proc/sys",
        "--dev", "/dev",
        "--size", str(shm_mb * 1024 * 1024), "--tmpfs", JAIL_SHM,
        "--remount-ro", "/dev",
        "--size", str(tmp_mb * 1024 * 1024), "--tmpfs", tmp,
    ]  # fmt: skip
    return args


def jail_args(bwrap: str, *, python: str, tmp_mb: int) -> list[str]:
    """bwrap's arguments up to (not including) the job's own binds and the command."""
    args = [
        bwrap,
        "--unshare-all",
        "--unshare-user",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--disable-userns",
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--clearenv",
    ]
    for key, value in _ENV.items():
        args += ["--setenv", key, value]
    args += system_mounts(tmp_mb=tmp_mb, shm_mb=SHM_MB)
    for path in python_paths(python):
        args += ["--ro-bind", path, path]
    args += ["--chdir", SANDBOX_TMP]
    return args


def python_paths(python: str) -> list[str]:
    """The directories an interpreter needs, outermost only, excluding what /usr already covers.

    Both the path as named and its symlink-resolved form are included, so a venv whose
    `bin/python` links into a pyenv or system install works inside the sandbox.
    """
    names = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        os.path.dirname(python),
        os.path.dirname(os.path.realpath(python)),
        *(sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")),
    ]
    candidates = {os.path.abspath(n) for n in names} | {os.path.realpath(n) for n in names}
    existing = sorted(p for p in candidates if os.path.isdir(p))
    kept: list[str] = []
    for path in existing:  # sorted, so a parent comes before its children
        if _inside(path, "/usr") or any(_inside(path, k) for k in kept):
            continue
        kept.append(path)
    return kept


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")
