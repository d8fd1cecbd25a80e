"""Every 5 minutes: re-deliver outbox entries the stream left pending, and park those that keep failing.

An email whose SES failures outlast the stream's retries (or whose record aged out of the stream's 24
hours) is still sent: the entry stays in the sparse PendingOutbox index until it is delivered.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.idempotency import idempotent_function
from use_cases import outbox
from use_cases.outbox_delivery import DELIVERY_IDEMPOTENCY, DELIVERY_KEY_PREFIX, sweep

from shop_aws.idempotency import persistence_layer
from shop_aws.runtime import logger, metrics


@idempotent_function(
    data_keyword_argument="entry",
    persistence_store=persistence_layer(),
    config=DELIVERY_IDEMPOTENCY,
    key_prefix=DELIVERY_KEY_PREFIX,
)
def deliver(entry: dict[str, Any]) -> dict[str, str]:
    return outbox.deliver(entry)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    DELIVERY_IDEMPOTENCY.register_lambda_context(context)
    return sweep(deliver, context)
