"""Staff confirm a shipping date (rule L1) for all open orders of a product or for one order, or change one
already confirmed (rule L2: each affected order is emailed the new date).

The request is accepted here and the work fans out through the shipping-date queue, a page of orders at a
time, so a product with tens of thousands of orders is never one long invocation. A product's fan-out is a
run whose progress staff (the console) and the warehouse system poll; before confirming, staff see how many
open orders the date will reach.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field
from use_cases import shipping_dates

from shop.shipping_dates import RUN_ID_PATTERN, ShippingDateRequest, ShippingDateRun
from shop_aws.api import handler_for, resolver

app = resolver()
RunInPath = Annotated[str, Path(pattern=RUN_ID_PATTERN)]


class Accepted(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "ACCEPTED"
    shipping_date: str = Field(alias="shippingDate")
    product_id: str | None = Field(default=None, alias="productId")
    order_number: str | None = Field(default=None, alias="orderNumber")
    run_id: str | None = Field(default=None, alias="runId", description="a product's fan-out: poll its progress")
    progress: str | None = Field(default=None, description="the path of the run's progress")


@app.post(
    "/admin/products/<product_id>/shipping-date",
    status_code=202,
    summary="Confirm the shipping date of every order of a product",
    description=(
        "L1: each RESERVED order of the product gets the date and a payment request (P2); L2 when a confirmed "
        "date changes again. Done in the background for every order (202); each member is emailed."
    ),
    operation_id="confirmShippingDateForProduct",
)
def confirm_for_product(product_id: str, request: ShippingDateRequest) -> Response[Accepted]:
    shipping_date, run_id = shipping_dates.accept_for_product(product_id, request.shipping_date)
    progress = f"/admin/shipping-date-runs/{run_id}"
    accepted = Accepted(shipping_date=shipping_date, product_id=product_id, run_id=run_id, progress=progress)
    return Response(202, "application/json", accepted, headers={"Location": progress})


class OpenOrders(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    product_id: str = Field(alias="productId")
    open_orders: int = Field(alias="openOrders", description="open orders a shipping date would reach now")


@app.get(
    "/admin/products/<product_id>/open-orders",
    summary="How many open orders a product's shipping date would reach",
    description=(
        "L1, L2: the product's orders not shipped or cancelled yet, counted now: each would be dated (RESERVED) "
        "or told of the new date. Shown before staff confirm; the run's own count (orders) may differ by the "
        "orders placed or closed meanwhile."
    ),
    operation_id="countOpenOrdersOfProduct",
)
def open_orders(product_id: str) -> Response[OpenOrders]:
    count = shipping_dates.open_orders(product_id)
    return Response(200, "application/json", OpenOrders(product_id=product_id, open_orders=count))


@app.get(
    "/admin/shipping-date-runs/<run_id>",
    summary="A product's shipping-date fan-out as it runs",
    description=(
        "L1, L2: the open orders listed so far (orders, listingDone), how many got the date with its email "
        "(dated, emailed), were sent to be charged (settlementRequested), already had it (unchanged) or could "
        "not be dated because they moved on meanwhile (failed, failedOrders); finished once every one is told."
    ),
)
def run_progress(run_id: RunInPath) -> Response[ShippingDateRun]:
    return Response(200, "application/json", shipping_dates.run_progress(run_id))


@app.post(
    "/admin/orders/<order_number>/shipping-date",
    status_code=202,
    summary="Confirm the shipping date of one order",
    description=(
        "L1: the order gets the date and the payment is requested (P2); L2 when a confirmed date changes "
        "again. The member is emailed; the payment's outcome follows (L3, L4)."
    ),
    operation_id="confirmShippingDateForOrder",
)
def confirm_for_order(order_number: str, request: ShippingDateRequest) -> Response[Accepted]:
    number, shipping_date = shipping_dates.accept_for_order(order_number, request.shipping_date)
    return Response(202, "application/json", Accepted(shipping_date=shipping_date, order_number=number))


lambda_handler = handler_for(app, staff_only=True)
