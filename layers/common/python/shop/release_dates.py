"""Release dates move (C2): staff change a product's date, and every open order of it is told, once.

A release date that moves is never a ground for cancellation (C2, L8): nothing here cancels anything.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import Product, ReleaseDate
from shop.errors import ProductRefused
from shop.orders import OPEN_STATES, Order


class ReleaseDateChange(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    release_date: ReleaseDate = Field(alias="releaseDate")


def check_release_date_change(product: Product, change: ReleaseDateChange) -> Product:
    """The product with its new release date (earlier or later); the same date again announces nothing."""
    if change.release_date == product.release_date:
        raise ProductRefused(
            f"The release date of {product.name} ({product.product_id}) is already {product.release_date}; "
            "nothing to announce.",
            productId=product.product_id,
            releaseDate=product.release_date,
        )
    return product.model_copy(update={"release_date": change.release_date})


def line_to_announce(order: Order, product_id: str, release_date: str) -> int | None:
    """The index of the order's line for the product if its member has not been told this date yet.

    None when the order is no longer open (shipped, cancelled), does not hold the product, or its line
    already shows the date (the member was told: a repeated job tells nobody twice).
    """
    if order.state not in OPEN_STATES:
        return None
    for index, line in enumerate(order.lines):
        if line.product_id == product_id:
            return None if line.release_date == release_date else index
    return None


def with_release_date(order: Order, line_index: int, release_date: str) -> Order:
    """C2: the order's line shows the product's new release date."""
    lines = list(order.lines)
    lines[line_index] = lines[line_index].model_copy(update={"release_date": release_date})
    return order.model_copy(update={"lines": tuple(lines)})
