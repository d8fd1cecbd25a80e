"""What the scheduled jobs share: working through pages of orders without running into the timeout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Page = tuple[list[str], str | None]


@dataclass
class Run:
    """How far one run got: what it did, what it passed over, and whether nothing is left."""

    done: int = 0
    skipped: int = 0
    finished: bool = False


def work_through_pages(
    fetch_page: Callable[[str | None], Page],
    handle: Callable[[str], bool],
    context: Any,
    margin_millis: int,
) -> Run:
    """Handle page after page until none is left or the invocation is near its timeout.

    What is left stays where the next run's query finds it, so stopping early loses nothing.
    """
    run = Run()
    cursor: str | None = None

    def time_left() -> bool:
        return bool(context.get_remaining_time_in_millis() > margin_millis)

    while time_left():
        items, cursor = fetch_page(cursor)
        for item in items:
            if not time_left():
                return run
            if handle(item):
                run.done += 1
            else:
                run.skipped += 1
        if cursor is None:
            run.finished = True
            return run
    return run
