"""The local shop's output: whole lines, however many threads print at once."""

from __future__ import annotations

import io
import threading
import time

from local.output import WholeLines

THREADS = 8
LINES = 100


class SlowFile(io.StringIO):
    """A file whose writes let other threads run, as a real file's do."""

    def write(self, text: str) -> int:
        time.sleep(0.0001)
        return super().write(text)


def test_lines_printed_by_many_threads_at_once_come_out_whole() -> None:
    # given threads that each print lines (print writes a line and its end in two calls)
    written = SlowFile()
    output = WholeLines(written)
    start = threading.Barrier(THREADS)

    def print_lines(thread: int) -> None:
        start.wait()
        for line in range(LINES):
            print(f"{thread:02d}:{line:04d}:" + "x" * 200, file=output)

    # when they print at the same time
    threads = [threading.Thread(target=print_lines, args=(thread,)) for thread in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every line is one thread's line, whole
    lines = written.getvalue().splitlines()
    assert sorted(lines) == sorted(
        f"{thread:02d}:{line:04d}:" + "x" * 200 for thread in range(THREADS) for line in range(LINES)
    )


def test_a_line_still_being_written_waits_for_its_end() -> None:
    written = io.StringIO()
    output = WholeLines(written)

    output.write("half a ")
    before = written.getvalue()
    output.write("line\n")

    assert before == ""
    assert written.getvalue() == "half a line\n"
