"""The catalogue (C1, C2): what a product is and what staff may set on it."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_serializer, model_validator

from shop.clock import as_utc
from shop.errors import ProductRefused

MAX_PRICE_CENTS = 100_000_000
_RELEASE_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])(-\d{2})?")


class ProductKind(StrEnum):
    PREORDER = "PREORDER"
    IN_STOCK = "IN_STOCK"


def _release_date(value: str) -> str:
    """A month (2027-03) or a day (2027-03-14): the guide announces both."""
    if not _RELEASE_DATE.fullmatch(value):
        raise ValueError("release date must be YYYY-MM or YYYY-MM-DD")
    if len(value) == 10:
        date.fromisoformat(value)
    return value


def _country_code(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError("country must be an ISO 3166-1 alpha-2 code in capitals, such as US or FR")
    return value


def _utc(value: datetime) -> datetime:
    return as_utc(value)


ReleaseDate = Annotated[str, AfterValidator(_release_date)]
CountryCode = Annotated[str, AfterValidator(_country_code)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
ProductId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")]


class Product(BaseModel):
    """C1: a figure in the catalogue. Prices are integer US cents, never floats."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    name: str = Field(min_length=1, max_length=200)
    kind: ProductKind
    unit_price_cents: int = Field(strict=True, alias="unitPriceCents", gt=0, le=MAX_PRICE_CENTS)
    release_date: ReleaseDate = Field(alias="releaseDate")
    reservation_limit: int = Field(strict=True, alias="reservationLimit", ge=1, le=999)
    preorder_closes_at: UtcDatetime | None = Field(default=None, alias="preorderClosesAt")
    stock: int | None = Field(strict=True, default=None, ge=0)
    blocked_regions: frozenset[CountryCode] = Field(default=frozenset(), alias="blockedRegions")

    @model_validator(mode="after")
    def _kind_fits(self) -> Self:
        if self.kind is ProductKind.PREORDER:
            if self.stock is not None:
                raise ValueError("a pre-order product has no stock; it is made to order")
            if self.preorder_closes_at is None:
                raise ValueError("a pre-order product needs preorderClosesAt")
        elif self.stock is None:
            raise ValueError("an in-stock product needs stock")
        elif self.preorder_closes_at is not None:
            raise ValueError("an in-stock product has no pre-order closing time")
        return self

    @field_serializer("blocked_regions")
    def _sorted_regions(self, regions: frozenset[str]) -> list[str]:
        return sorted(regions)

    def is_blocked_in(self, country: str) -> bool:
        return country in self.blocked_regions

    def preorder_closed(self, now: datetime) -> bool:
        return (
            self.kind is ProductKind.PREORDER and self.preorder_closes_at is not None and now >= self.preorder_closes_at
        )


class ProductChanges(BaseModel):
    """What staff may change on a product. Kind and id never change: orders refer to them.

    The release date is not here: moving it is rule C2 (every open order is told), its own operation.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    unit_price_cents: int | None = Field(default=None, strict=True, alias="unitPriceCents", gt=0, le=MAX_PRICE_CENTS)
    reservation_limit: int | None = Field(default=None, strict=True, alias="reservationLimit", ge=1, le=999)
    preorder_closes_at: UtcDatetime | None = Field(default=None, alias="preorderClosesAt")
    stock: int | None = Field(strict=True, default=None, ge=0)
    blocked_regions: frozenset[CountryCode] | None = Field(default=None, alias="blockedRegions")

    def apply_to(self, product: Product) -> Product:
        """The product with these changes, checked again as a whole (kind rules still hold)."""
        merged = product.model_dump(by_alias=True) | self.model_dump(by_alias=True, exclude_unset=True)
        try:
            return Product.model_validate(merged)
        except ValidationError as error:
            problems = [problem["msg"].removeprefix("Value error, ") for problem in error.errors()]
            raise ProductRefused(
                f"Product {product.product_id} cannot have these changes: " + "; ".join(problems),
                productId=product.product_id,
            ) from error
