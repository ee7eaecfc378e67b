"""Follow-ups edit the thread's last chart: the specification's turns, planned without a key."""

from __future__ import annotations

from tests.planner.followup_spec import score_threads
from tests.planner.followup_threads import THREADS

REQUIRED_SHARE = 0.90


def test_the_specification_has_at_least_sixty_threads_of_two_or_three_turns() -> None:
    assert len(THREADS) >= 60
    assert all(2 <= len(turns) <= 3 for _, turns in THREADS)


def test_at_least_ninety_percent_of_follow_up_turns_are_planned_right() -> None:
    results = score_threads()
    right = sum(r.right for r in results)
    misses = "\n".join(
        f"{r.file}: {' → '.join(r.questions)}: {r.wrong}" for r in results if not r.right
    )
    print(f"\nfollow-up turns right: {right}/{len(results)} ({right / len(results):.0%})")
    assert right / len(results) >= REQUIRED_SHARE, misses
