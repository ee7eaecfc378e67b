"""How much memory a process tree holds: the renderer's bwrap, Python and Chromium together.

Proportional set size (PSS) from `/proc/PID/smaps_rollup`: pages shared between Chromium's
processes are split among them instead of counted once per process, so the sum is what the tree
really costs (resident sizes summed would count the shared ones 3-4 times over).
"""

from __future__ import annotations

import os
from pathlib import Path

_PROC = Path("/proc")


def tree_memory_mb(root: int) -> float:
    """PSS of `root` and all its descendants, in MB; 0 when `root` is gone. Blocking."""
    total_kb = 0
    for pid in _descendants(root):
        try:
            text = (_PROC / str(pid) / "smaps_rollup").read_text()
        except OSError:  # exited meanwhile
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
                break
    return total_kb / 1024


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir(_PROC):
        if not entry.isdigit():
            continue
        try:
            stat = (_PROC / entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and brackets: fields start after the last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found if (_PROC / str(root)).exists() else []
