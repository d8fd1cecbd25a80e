"""Test set-up: fake AWS credentials, moto active before any handler is imported, a clock tests can move."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import local  # noqa: F401 - puts the layer on the path and the template's settings in the environment
from tests.support.stripe import LocalStripe

# Before anything imports boto3 or a handler: no real AWS, ever.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        # moto serves DynamoDB streams only on the classic endpoint, not the account-specific host botocore picks.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        # No real Stripe, ever: until a test starts the local Stripe, Stripe calls go to a closed port.
        "SHOP_STRIPE_API_BASE": "http://127.0.0.1:9",
    }
)


@pytest.fixture(scope="session")
def local_stripe_server() -> Iterator[LocalStripe]:
    """The local Stripe (localstripe and the shop's thin layer), one process for the run."""
    server = LocalStripe()
    os.environ["SHOP_STRIPE_API_BASE"] = server.url
    # The settlement queue retries (P3); the library's own retries would only slow the outage tests down.
    os.environ["SHOP_STRIPE_TIMEOUT_SECONDS"] = "1"
    os.environ["SHOP_STRIPE_NETWORK_RETRIES"] = "0"
    yield server
    server.stop()


@pytest.fixture
def local_stripe(local_stripe_server: LocalStripe) -> LocalStripe:
    """The local Stripe with nothing a previous test left: no customer, card, charge, replay or outage."""
    local_stripe_server.forget_everything()
    return local_stripe_server
