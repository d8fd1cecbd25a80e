"""Works the shipping-date queue: shipping dates (rules L1, L2) and release-date news (rule C2).

A page job queues one job per open order of a product, and the next page (once per page, however often
SQS delivers it); an order job applies the date or the news to one order (use_cases.shipping_dates).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from use_cases import shipping_dates

from shop.shipping_dates import ProductPageJob, ReleaseDateOrderJob, ReleaseDatePageJob, ShippingDateJob
from shop_aws.idempotency import persistence_layer
from shop_aws.runtime import logger, metrics

A_DAY = 24 * 60 * 60

processor = BatchProcessor(event_type=EventType.SQS)
shipping_page = IdempotencyConfig(
    event_key_jmespath="[productId, shippingDate, requestId, cursor]", expires_after_seconds=A_DAY
)
release_page = IdempotencyConfig(event_key_jmespath="[productId, changeId, cursor]", expires_after_seconds=A_DAY)


@idempotent_function(data_keyword_argument="page", persistence_store=persistence_layer(), config=shipping_page)
def fan_out_shipping_date(page: dict[str, Any]) -> dict[str, int]:
    return shipping_dates.fan_out_shipping_date(ProductPageJob.model_validate(page))


@idempotent_function(data_keyword_argument="page", persistence_store=persistence_layer(), config=release_page)
def fan_out_release_date(page: dict[str, Any]) -> dict[str, int]:
    return shipping_dates.fan_out_release_date(ReleaseDatePageJob.model_validate(page))


def record_handler(record: SQSRecord) -> None:
    job = ShippingDateJob.model_validate_json(record.body).job
    if isinstance(job, ProductPageJob):
        fan_out_shipping_date(page=job.model_dump(by_alias=True))
    elif isinstance(job, ReleaseDatePageJob):
        fan_out_release_date(page=job.model_dump(by_alias=True))
    elif isinstance(job, ReleaseDateOrderJob):
        shipping_dates.announce_release_date(job)
    else:
        shipping_dates.apply_shipping_date(job)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    shipping_page.register_lambda_context(context)
    release_page.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
