"""End-to-end tests: the local stack started as `python -m local start` would, spoken to over HTTP."""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.client import ShopClient
from local.process import shop_process
from local.seed import STAFF_EMAIL, STAFF_PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def output_file() -> Path:
    """Where a shop writes its output (every function's log lines): a file, as a pipe nobody reads would fill
    and stall the shop."""
    return Path(tempfile.gettempdir()) / f"preorder-shop-e2e-{free_port()}.log"


@pytest.fixture(scope="package")
def local_shop() -> Iterator[ShopClient]:
    """One local stack for the end-to-end tests, stopped when they are done: left running, its pumps would
    poll moto (a third of a core when idle) while the rest of the suite runs."""
    with shop_process(free_port(), free_port(), output_file()) as client:
        yield client


@pytest.fixture(scope="module")
def shop_of_its_own() -> Iterator[tuple[ShopClient, Path]]:
    """A shop for one module's tests, and its output: for tests that empty the shop or load it heavily,
    so that the session's shop stays as the other tests expect it."""
    output = output_file()
    with shop_process(free_port(), free_port(), output) as client:
        yield client, output


@pytest.fixture(scope="package")
def staff_token(local_shop: ShopClient) -> str:
    return local_shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
