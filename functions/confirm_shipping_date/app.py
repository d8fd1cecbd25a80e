"""Staff confirm a shipping date (rule L1) for all open orders of a product or for one order, or change one
already confirmed (rule L2: each affected order is emailed the new date).

The request is accepted here and the work fans out through the shipping-date queue, a page of
orders at a time, so a product with tens of thousands of orders is never one long invocation.
"""

from __future__ import annotations

import uuid

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from shop.errors import NotFound
from shop.order_numbers import parse_any_order_number
from shop.shipping_dates import OrderJob, ProductPageJob, ShippingDateRequest, check_can_date, check_shipping_date
from shop_aws import dynamodb, sqs
from shop_aws.api import handler_for, resolver
from shop_aws.runtime import clock, logger
from shop_aws.settings import settings

app = resolver()


class Accepted(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "ACCEPTED"
    shipping_date: str = Field(alias="shippingDate")
    product_id: str | None = Field(default=None, alias="productId")
    order_number: str | None = Field(default=None, alias="orderNumber")


@app.post("/admin/products/<product_id>/shipping-date", status_code=202)
def confirm_for_product(product_id: str, request: ShippingDateRequest) -> Response[Accepted]:
    shipping_date = check_shipping_date(request.shipping_date, clock().now())
    if dynamodb.get_product(product_id) is None:
        raise NotFound(f"There is no product {product_id}.", productId=product_id)
    job = ProductPageJob(productId=product_id, shippingDate=shipping_date, requestId=uuid.uuid4().hex)
    sqs.send_all(settings().shipping_date_queue_url, [{"job": job.model_dump(by_alias=True)}])
    logger.info("shipping date accepted for product", extra={"product_id": product_id})
    return Response(202, "application/json", Accepted(shippingDate=shipping_date, productId=product_id))


@app.post("/admin/orders/<order_number>/shipping-date", status_code=202)
def confirm_for_order(order_number: str, request: ShippingDateRequest) -> Response[Accepted]:
    shipping_date = check_shipping_date(request.shipping_date, clock().now())
    order = dynamodb.require_order(parse_any_order_number(order_number))
    check_can_date(order)  # L1 for a reserved order, L2 for one whose date is already confirmed
    job = OrderJob(orderNumber=order.order_number, shippingDate=shipping_date)
    sqs.send_all(settings().shipping_date_queue_url, [{"job": job.model_dump(by_alias=True)}])
    logger.info("shipping date accepted for order", extra={"order_number": order.order_number})
    return Response(202, "application/json", Accepted(shippingDate=shipping_date, orderNumber=order.order_number))


lambda_handler = handler_for(app, staff_only=True)
