"""SES bounces and complaints, published by the configuration set to SNS: the address becomes undeliverable
(rule E1) and an urgent lost email (payment failed, reminder) raises its alarm."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.data_classes import SNSEvent, event_source
from use_cases.email_events import record

from shop_aws.runtime import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=SNSEvent)
def lambda_handler(event: SNSEvent, context: Any) -> dict[str, int]:
    marked = sum(record(json.loads(item.sns.message)) for item in event.records)
    return {"marked": marked}
