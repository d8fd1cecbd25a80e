"""Whole lines on the local shop's output, whichever of its threads writes them."""

from __future__ import annotations

import io
import threading
from typing import TextIO


class WholeLines(io.TextIOBase):
    """A text stream that writes each thread's lines whole, one at a time.

    In the local shop many threads write at once (the gateway's, the pumps', the scheduler's), and
    print() writes a line and its end in two calls: a function's metrics line and another's log line
    ran together, and neither was JSON any more. Each thread's text is held until its line ends.
    """

    def __init__(self, target: TextIO) -> None:
        self._target = target
        self._writing = threading.RLock()  # a write from a finalizer run mid-write must not wait for itself
        self._held = threading.local()

    @property
    def encoding(self) -> str:
        return self._target.encoding

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines, end, rest = (getattr(self._held, "text", "") + text).rpartition("\n")
        self._held.text = rest
        if end:
            with self._writing:
                self._target.write(lines + end)
                self._target.flush()
        return len(text)

    def flush(self) -> None:
        rest, self._held.text = getattr(self._held, "text", ""), ""
        with self._writing:
            self._target.write(rest)
            self._target.flush()
