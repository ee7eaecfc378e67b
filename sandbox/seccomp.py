"""A tiny seccomp filter for the local sandbox: chart code may start threads, never processes.

rlimits can't cap the number of processes here: RLIMIT_NPROC is not enforced for the real root
user, and the worker usually runs as root in its container. A fork bomb would also multiply the
per-process memory limit. So bubblewrap loads this classic-BPF program (`bwrap --seccomp FD`),
which refuses `fork`, `vfork` and any `clone` without CLONE_THREAD with EPERM, and answers
`clone3` with ENOSYS so that libc falls back to `clone` for threads. System calls made through
another ABI (i386 or x32 on x86-64) kill the process, so the filter can't be sidestepped.

The program is built by hand (no libseccomp binding needed); see linux/seccomp.h and
linux/filter.h for the encoding.
"""

from __future__ import annotations

import errno
import platform
import struct

# struct seccomp_data offsets
_NR = 0
_ARCH = 4
_ARG0_LOW = 16  # little-endian: the low 32 bits of args[0]

# BPF opcodes
_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

_RET_ALLOW = 0x7FFF_0000
_RET_KILL_PROCESS = 0x8000_0000
_RET_ERRNO = 0x0005_0000

_CLONE_THREAD = 0x0001_0000
_X32_SYSCALL_BIT = 0x4000_0000


class _Arch:
    def __init__(
        self, audit_arch: int, clone: int, clone3: int, forks: tuple[int, ...], x32: bool
    ) -> None:
        self.audit_arch = audit_arch
        self.clone = clone
        self.clone3 = clone3
        self.forks = forks
        self.x32 = x32


_ARCHES = {
    "x86_64": _Arch(0xC000_003E, clone=56, clone3=435, forks=(57, 58), x32=True),
    "aarch64": _Arch(0xC000_00B7, clone=220, clone3=435, forks=(), x32=False),
}


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, 0, 0, k)


def _jump(code: int, k: int, jt: int, jf: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def supported() -> bool:
    """Whether `no_fork_filter()` knows this machine's architecture."""
    return platform.machine() in _ARCHES


def no_fork_filter() -> bytes:
    """The BPF program (an array of `struct sock_filter`) in the form `bwrap --seccomp` reads.

    Raises `RuntimeError` on an architecture the filter doesn't know.
    """
    arch = _ARCHES.get(platform.machine())
    if arch is None:
        raise RuntimeError(f"no seccomp filter for architecture {platform.machine()!r}")

    deny = _RET_ERRNO | errno.EPERM
    nosys = _RET_ERRNO | errno.ENOSYS
    # Jump offsets count instructions to skip: (jt, jf) = (0, 1) means "if true, fall through to
    # the next instruction (a return); if false, skip it".
    prog: list[bytes] = [
        _stmt(_LD_W_ABS, _ARCH),
        _jump(_JEQ_K, arch.audit_arch, 1, 0),
        _stmt(_RET_K, _RET_KILL_PROCESS),
        _stmt(_LD_W_ABS, _NR),
    ]
    if arch.x32:
        prog += [_jump(_JGE_K, _X32_SYSCALL_BIT, 0, 1), _stmt(_RET_K, _RET_KILL_PROCESS)]
    for nr in arch.forks:
        prog += [_jump(_JEQ_K, nr, 0, 1), _stmt(_RET_K, deny)]
    prog += [
        _jump(_JEQ_K, arch.clone3, 0, 1),
        _stmt(_RET_K, nosys),
        _jump(_JEQ_K, arch.clone, 1, 0),
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_LD_W_ABS, _ARG0_LOW),
        _jump(_JSET_K, _CLONE_THREAD, 0, 1),
        _stmt(_RET_K, _RET_ALLOW),
        _stmt(_RET_K, deny),
    ]
    return b"".join(prog)
