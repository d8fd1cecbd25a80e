"""Handler tests: the shop in moto, every resource created from template.yaml once, emptied before each test.

Two levels: `shop` for tests that read and write data, `api` for what a function answers before it reads or
writes anything (who may call, which bodies it takes, how bad input is named), with AWS out of reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NoReturn

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from local.lambdas import Functions
from local.provision import REGION, provision
from shop.clock import FixedClock
from shop_aws import clients, runtime
from shop_aws.settings import settings
from tests.support.shop import ApiWithoutAws, Member, Shop, ShopInMoto
from tests.support.stripe import LocalStripe

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_functions: dict[str, Functions] = {}


@pytest.fixture(scope="package")
def shop_in_moto() -> Iterator[ShopInMoto]:
    """moto active with the template's resources in it while this package's tests run.

    Set up once in a run in file order; a shuffled run sets it up again after each visit to another package.
    """
    with mock_aws(), pytest.MonkeyPatch.context() as environment:
        # Emptying a queue between tests is a purge; moto, like SQS, allows one a minute unless told otherwise.
        environment.setenv("MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR", "false")
        session = boto3.session.Session(region_name=REGION)
        stack = provision(session)
        for function_environment in stack.environments.values():
            for name, value in function_environment.items():
                if name != "POWERTOOLS_SERVICE_NAME":
                    environment.setenv(name, value)
        settings.cache_clear()
        clients.reset()
        # Handler modules are imported once, like a warm Lambda container, and only with moto active.
        functions = _functions.setdefault("shared", Functions(stack))
        functions.stack = stack
        yield ShopInMoto(session, stack, functions)
    settings.cache_clear()
    clients.reset()


@pytest.fixture
def shop(shop_in_moto: ShopInMoto, local_stripe: LocalStripe) -> Shop:
    """The shop as provisioned, at START, with nothing a previous test left in moto, the functions or the
    local Stripe."""
    shop_in_moto.empty()
    return Shop(shop_in_moto, _functions_state_at_start(), local_stripe)


@pytest.fixture
def api(shop_in_moto: ShopInMoto, monkeypatch: pytest.MonkeyPatch) -> ApiWithoutAws:
    """The functions at START with every AWS call failing: no data to set up, and none can change."""
    api = ApiWithoutAws(shop_in_moto.functions, shop_in_moto.routes)

    def out_of_reach(client: BaseClient, operation: str, parameters: dict[str, Any]) -> NoReturn:
        api.aws_calls.append(operation)
        raise ConnectionError(f"{operation}: AWS is out of reach in this test")

    monkeypatch.setattr(BaseClient, "_make_api_call", out_of_reach)
    _functions_state_at_start()
    return api


def _functions_state_at_start() -> FixedClock:
    """What the functions keep between invocations put back: the clock at START, the settings read anew,
    no logger keys or metrics left over.

    The imported modules and the AWS clients stay, as in a warm container: the clients hold no data, and
    making them again for each test would cost more than the rest of its set-up.
    """
    clock = FixedClock(START)
    runtime.use_clock(clock)
    settings.cache_clear()
    runtime.logger.clear_state()
    runtime.metrics.clear_metrics()
    return clock


@pytest.fixture
def alice() -> Member:
    return Member(member_id="0b1c6b52-alice", email="alice@example.com")


@pytest.fixture
def bob() -> Member:
    return Member(member_id="7f3e2a10-bob", email="bob@example.com")


@pytest.fixture
def staff() -> Member:
    return Member(member_id="5d9c0e77-staff", email="staff@preorder-shop.example", staff=True)
