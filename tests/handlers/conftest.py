"""Handler tests: a fresh shop in moto per test, every resource created from template.yaml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from local.lambdas import Functions
from local.provision import REGION, provision
from shop.clock import FixedClock
from shop_aws import clients, runtime
from shop_aws.settings import settings
from tests.support.shop import Member, Shop

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_functions: dict[str, Functions] = {}


@pytest.fixture
def shop() -> Iterator[Shop]:
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        stack = provision(session)
        for environment in stack.environments.values():
            os.environ.update({k: v for k, v in environment.items() if k != "POWERTOOLS_SERVICE_NAME"})
        settings.cache_clear()
        clients.reset()
        clock = FixedClock(START)
        runtime.use_clock(clock)
        # Handler modules are imported once, like a warm Lambda container, and only with moto active.
        functions = _functions.setdefault("shared", Functions(stack))
        functions.stack = stack
        yield Shop(session, stack, functions, clock)


@pytest.fixture
def alice() -> Member:
    return Member(member_id="0b1c6b52-alice", email="alice@example.com")


@pytest.fixture
def bob() -> Member:
    return Member(member_id="7f3e2a10-bob", email="bob@example.com")


@pytest.fixture
def staff() -> Member:
    return Member(member_id="5d9c0e77-staff", email="staff@preorder-shop.example", staff=True)
