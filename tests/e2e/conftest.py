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


@pytest.fixture(scope="session")
def local_shop_log() -> Path:
    """Where the session's shop writes its output (every function's log lines): a file, as a pipe nobody
    reads would fill and stall the shop."""
    return Path(tempfile.gettempdir()) / f"preorder-shop-e2e-{free_port()}.log"


@pytest.fixture(scope="session")
def local_shop(local_shop_log: Path) -> Iterator[ShopClient]:
    with shop_process(free_port(), free_port(), local_shop_log) as client:
        yield client


@pytest.fixture(scope="session")
def staff_token(local_shop: ShopClient) -> str:
    return local_shop.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
