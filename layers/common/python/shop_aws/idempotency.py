"""Powertools idempotency, stored in the stack's idempotency table.

Imported only by the functions that need it (checkout, the outbox dispatcher, the shipping-date worker),
so the others do not pay for the utility at cold start.
"""

from __future__ import annotations

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

from shop_aws.clients import client
from shop_aws.settings import settings


def persistence_layer() -> DynamoDBPersistenceLayer:
    """A persistence layer on the container's shared DynamoDB client (building its own costs cold start).

    Powertools keeps per-function state in it, so each decorated function gets its own.
    """
    return DynamoDBPersistenceLayer(table_name=settings().idempotency_table_name, boto3_client=client("dynamodb"))
