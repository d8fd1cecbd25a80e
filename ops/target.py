"""Which shop the commands act on: a deployed stack (CloudFormation names its resources) or the local one.

Either way the commands get the outbox sweeper's own environment, so the shop's adapters (shop_aws) read
and write exactly what the deployed functions do, and the queues and bus by their logical ids.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import boto3
import requests

from local.aws import point_boto3_at
from shop_aws import clients
from shop_aws.settings import settings

# The queues an operator redrives or empties, by the names the commands take.
DEAD_LETTER_QUEUES = {
    "payment-events": "PaymentEventsDeadLetterQueue",
    "shipping-date": "ShippingDateDeadLetterQueue",
    "outbox": "OutboxDeadLetterQueue",
    "functions": "FunctionsDeadLetterQueue",
    "settlement": "SettlementDeadLetterQueue",
    "payment-customer-erasure": "PaymentCustomerErasureDeadLetterQueue",
}
# Where a job of a redrivable dead-letter queue goes back to (payment events go back to the bus).
JOB_QUEUES = {
    "shipping-date": "ShippingDateQueue",
    "settlement": "SettlementQueue",
    "payment-customer-erasure": "PaymentCustomerErasureQueue",
}
_ENVIRONMENT_OF = "OutboxSweeperFunction"


@dataclass(frozen=True)
class Target:
    """A shop's resources: the queues by logical id, the bus, and the environment its functions run with."""

    environment: dict[str, str]
    queues: dict[str, str]
    bus_name: str
    description: str = ""
    extra_environment: dict[str, str] = field(default_factory=dict)

    def activate(self) -> None:
        """Point the shop's adapters (shop_aws) at this shop."""
        os.environ.update({**self.extra_environment, **self.environment})
        settings.cache_clear()
        clients.reset()


def deployed(stack_name: str, region: str | None = None) -> Target:
    """A stack deployed with `sam deploy`: CloudFormation maps each logical id to the resource's name."""
    session = boto3.session.Session(region_name=region)
    resources = {
        r["LogicalResourceId"]: r["PhysicalResourceId"]
        for page in session.client("cloudformation")
        .get_paginator("list_stack_resources")
        .paginate(StackName=stack_name)
        for r in page["StackResourceSummaries"]
    }
    function = session.client("lambda").get_function_configuration(FunctionName=resources[_ENVIRONMENT_OF])
    return Target(
        environment=dict(function["Environment"]["Variables"]),
        queues={logical: resources[logical] for logical in DEAD_LETTER_QUEUES.values() | JOB_QUEUES.values()},
        bus_name=resources["ShopBus"],
        description=f"stack {stack_name} in {session.region_name}",
        extra_environment={"AWS_REGION": session.region_name or ""},
    )


def local(url: str) -> Target:
    """The local shop (python -m local start): it says where its embedded AWS is and how its functions run."""
    answer = requests.get(f"{url.rstrip('/')}/_local/ops", timeout=10)
    answer.raise_for_status()
    found = answer.json()
    point_boto3_at(found["awsEndpoint"])
    return Target(
        environment=found["environment"],
        queues=found["queues"],
        bus_name=found["busName"],
        description=f"the local shop at {url}",
    )
