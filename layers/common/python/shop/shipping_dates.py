"""Shipping-date confirmation (L1): the request staff make and the work it fans out into."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.errors import IllegalTransition, InvalidInput
from shop.orders import Order, OrderState, check_transition


class ShippingDateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    shipping_date: date = Field(alias="shippingDate")


def check_shipping_date(shipping_date: date, now: datetime) -> str:
    """A shipping date is today or later; a past date is a typing mistake, not a plan."""
    if shipping_date < now.date():
        raise InvalidInput(f"The shipping date {shipping_date.isoformat()} is in the past.", field="shippingDate")
    return shipping_date.isoformat()


# Orders whose shipping date is already confirmed and that have not left yet: a new date for them is L2.
DATED_STATES = frozenset(
    {OrderState.SHIPPING_DATE_CONFIRMED, OrderState.SETTLEMENT_PENDING, OrderState.PAYMENT_FAILED, OrderState.PAID}
)


class DateAction(StrEnum):
    CONFIRM = "CONFIRM"  # L1: the first date; the order moves on and is charged
    CHANGE = "CHANGE"  # L2: a confirmed date changes; the member is told
    NOTHING = "NOTHING"  # the same date again (a retry), or the order is shipped or cancelled


def shipping_date_action(order: Order, shipping_date: str) -> DateAction:
    if order.state is OrderState.RESERVED:
        return DateAction.CONFIRM
    if order.state in DATED_STATES and order.shipping_date != shipping_date:
        return DateAction.CHANGE
    return DateAction.NOTHING


def dated(order: Order, shipping_date: str) -> Order:
    """L1: the first confirmed date; the order moves on to be charged."""
    check_transition(order.order_number, order.state, OrderState.SHIPPING_DATE_CONFIRMED)
    return order.model_copy(update={"state": OrderState.SHIPPING_DATE_CONFIRMED, "shipping_date": shipping_date})


def redated(order: Order, shipping_date: str) -> Order:
    """L2: a confirmed date changes; the order stays where it is in its lifecycle."""
    if order.state not in DATED_STATES:
        raise IllegalTransition(
            f"Order {order.order_number} is {order.state.value}; it has no confirmed shipping date to change.",
            orderNumber=order.order_number,
            currentState=order.state.value,
        )
    return order.model_copy(update={"shipping_date": shipping_date})


def check_can_date(order: Order) -> None:
    """L1/L2: an order gets a date, or a new one, until it has shipped or was cancelled."""
    if order.state is not OrderState.RESERVED and order.state not in DATED_STATES:
        raise IllegalTransition(
            f"Order {order.order_number} is {order.state.value}; its shipping date can no longer be set or changed.",
            orderNumber=order.order_number,
            currentState=order.state.value,
        )


class ProductPageJob(BaseModel):
    """Confirm the date for one page of a product's open orders, then queue the next page."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["PRODUCT_PAGE"] = "PRODUCT_PAGE"
    product_id: str = Field(alias="productId")
    shipping_date: str = Field(alias="shippingDate")
    cursor: str | None = None
    # One id per staff request: the same date confirmed again later (after a change, L2) fans out again.
    request_id: str | None = Field(default=None, alias="requestId")


class OrderJob(BaseModel):
    """Confirm the date of one order and request its settlement."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["ORDER"] = "ORDER"
    order_number: str = Field(alias="orderNumber")
    shipping_date: str = Field(alias="shippingDate")
    # The product's fan-out this job belongs to (its progress counts the job's outcome); None for one order.
    run_id: str | None = Field(default=None, alias="runId")


class ReleaseDatePageJob(BaseModel):
    """C2: tell one page of a product's open orders about its new release date, then queue the next page."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["RELEASE_DATE_PAGE"] = "RELEASE_DATE_PAGE"
    product_id: str = Field(alias="productId")
    release_date: str = Field(alias="releaseDate")
    change_id: str = Field(alias="changeId")
    cursor: str | None = None


class ReleaseDateOrderJob(BaseModel):
    """C2: one order's line of the product shows the new release date, and the member is emailed once."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["RELEASE_DATE_ORDER"] = "RELEASE_DATE_ORDER"
    order_number: str = Field(alias="orderNumber")
    product_id: str = Field(alias="productId")
    release_date: str = Field(alias="releaseDate")


class ShippingDateJob(BaseModel):
    job: Annotated[ProductPageJob | OrderJob | ReleaseDatePageJob | ReleaseDateOrderJob, Field(discriminator="type")]


RUN_ID_PATTERN = r"^[0-9a-f]{32}$"


class ShippingDateRun(BaseModel):
    """A product's shipping-date fan-out as it runs (L1, L2): what staff and the warehouse system poll.

    `orders` counts the open orders listed so far, out of which `dated` got the date (first or changed) with
    its email written in the same transaction (`emailed`), `settlementRequested` were sent to be charged,
    `unchanged` already had this date, and `failed` could not be dated (cancelled, shipped or gone meanwhile).
    """

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    run_id: str = Field(alias="runId")
    product_id: str = Field(alias="productId")
    shipping_date: str = Field(alias="shippingDate")
    started_at: str = Field(alias="startedAt")
    listing_done: bool = Field(alias="listingDone", description="every page of the product's open orders is listed")
    orders: int
    dated: int
    emailed: int
    settlement_requested: int = Field(alias="settlementRequested")
    unchanged: int
    failed: int
    failed_orders: list[str] = Field(alias="failedOrders")
    finished: bool

    @classmethod
    def of(cls, stored: dict[str, object], failed: list[str], unchanged: int) -> ShippingDateRun:
        listing_done = bool(stored.get("listingDone", False))
        orders = int(str(stored.get("orders", 0)))
        dated = int(str(stored.get("dated", 0)))
        return cls(
            run_id=str(stored["runId"]),
            product_id=str(stored["productId"]),
            shipping_date=str(stored["shippingDate"]),
            started_at=str(stored["startedAt"]),
            listing_done=listing_done,
            orders=orders,
            dated=dated,
            emailed=int(str(stored.get("emailed", 0))),
            settlement_requested=int(str(stored.get("settlementRequested", 0))),
            unchanged=unchanged,
            failed=len(failed),
            failed_orders=sorted(failed),
            finished=listing_done and dated + unchanged + len(failed) >= orders,
        )
