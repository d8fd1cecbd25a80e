"""Shipping-date confirmation (L1): the request staff make and the work it fans out into."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shop.errors import InvalidInput


class ShippingDateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    shipping_date: date = Field(alias="shippingDate")


def check_shipping_date(shipping_date: date, now: datetime) -> str:
    """A shipping date is today or later; a past date is a typing mistake, not a plan."""
    if shipping_date < now.date():
        raise InvalidInput(f"The shipping date {shipping_date.isoformat()} is in the past.", field="shippingDate")
    return shipping_date.isoformat()


class ProductPageJob(BaseModel):
    """Confirm the date for one page of a product's open orders, then queue the next page."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["PRODUCT_PAGE"] = "PRODUCT_PAGE"
    product_id: str = Field(alias="productId")
    shipping_date: str = Field(alias="shippingDate")
    cursor: str | None = None


class OrderJob(BaseModel):
    """Confirm the date of one order and request its settlement."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["ORDER"] = "ORDER"
    order_number: str = Field(alias="orderNumber")
    shipping_date: str = Field(alias="shippingDate")


class ShippingDateJob(BaseModel):
    job: Annotated[ProductPageJob | OrderJob, Field(discriminator="type")]
