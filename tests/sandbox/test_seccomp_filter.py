"""The no-fork seccomp program is well formed (its behaviour is tested through the sandbox)."""

from __future__ import annotations

import struct

from sandbox import seccomp


# No skip on other CPUs: there the sandbox would have no process limit, and this should say so.
def test_filter_is_whole_instructions_ending_in_returns() -> None:
    program = seccomp.no_fork_filter()
    assert len(program) % 8 == 0
    instructions = [struct.unpack("=HBBI", program[i : i + 8]) for i in range(0, len(program), 8)]
    ret = 0x06
    assert instructions[-1][0] == ret
    for index, (code, jt, jf, _) in enumerate(instructions):
        # Every jump lands inside the program.
        assert index + 1 + max(jt, jf) < len(instructions) or code == ret
