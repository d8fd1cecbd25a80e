"""End-to-end tests: the local stack started as `python -m local start` would, spoken to over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="package")
def local_shop() -> Iterator[ShopClient]:
    """One local stack for the end-to-end tests, stopped when they are done: left running, its pumps would
    poll moto (a third of a core when idle) while the rest of the suite runs."""
    api_port, aws_port = _free_port(), _free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    # The stack's output (every function's logs) goes to a file: a pipe nobody reads would fill and stall it.
    log_path = Path(tempfile.gettempdir()) / f"preorder-shop-e2e-{api_port}.log"
    log_file = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603 - our own CLI, on loopback ports
        [sys.executable, "-m", "local", "start", "--port", str(api_port), "--aws-port", str(aws_port)],
        cwd=ROOT,
        env=environment,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = ShopClient(f"http://127.0.0.1:{api_port}")
    deadline = time.monotonic() + 60
    while True:
        try:
            client.config  # noqa: B018 - answers once the stack is up
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = log_path.read_text()
                raise RuntimeError(f"the local stack did not start:\n{output}") from None
            time.sleep(0.2)
    yield client
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
    log_file.close()


@pytest.fixture(scope="package")
def staff_token(local_shop: ShopClient) -> str:
    return local_shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
