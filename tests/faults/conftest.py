"""Prints the fault suite's table (see `tests.faults.report`) after a run that recorded one."""

from __future__ import annotations

import pytest

from tests.faults import report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = report.lines()
    if not lines:
        return
    report.REPORT_PATH.write_text("\n".join(lines) + "\n")
    terminalreporter.write_sep("=", "fault suite")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(also written to {report.REPORT_PATH})")
