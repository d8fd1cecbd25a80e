"""A local shop in a child process, its output in a file: for `make demo` when no shop runs, and the tests.

Its own process keeps the functions' log lines out of whatever else is printing, as `make run` in
another terminal would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from local.client import ShopClient, ShopError

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@contextmanager
def shop_process(api_port: int, aws_port: int, log_path: Path, stripe_port: int | None = None) -> Iterator[ShopClient]:
    """`python -m local start` on these ports (the local Stripe on a free one unless given) until the block
    ends; its output goes to log_path."""
    if stripe_port is None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            stripe_port = int(probe.getsockname()[1])
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own CLI, on loopback ports
            [
                sys.executable,
                "-m",
                "local",
                "start",
                "--port",
                str(api_port),
                "--aws-port",
                str(aws_port),
                "--stripe-port",
                str(stripe_port),
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield _answering(ShopClient(f"http://127.0.0.1:{api_port}"), process, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()


def _answering(client: ShopClient, process: subprocess.Popen[str], log_path: Path) -> ShopClient:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            client.config  # noqa: B018 - answers once the stack is up
            return client
        except ShopError:
            if process.poll() is not None:
                said = log_path.read_text().strip().splitlines()
                raise ShopError(said[-1].removeprefix("error: ") if said else "the local shop did not start") from None
            if time.monotonic() > deadline:
                raise ShopError(f"the local shop did not answer within {STARTUP_SECONDS} s; see {log_path}") from None
            time.sleep(0.2)
