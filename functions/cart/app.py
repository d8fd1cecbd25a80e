"""The member's cart (rule C3), the same on every device:

- GET /cart: the lines with current prices, dates and stock, the order numbers they become, and every
  problem that would stop checkout now (for a country, if given);
- POST /cart/items: "Add to Cart" / "Pre-order Now", raising the quantity of a product already there;
- PUT /cart/items/{productId}: set a line's quantity;
- DELETE /cart/items/{productId} and DELETE /cart: remove a line, or all of them.

POST /checkout without items checks this cart out (rule O8 idempotency as for any checkout).
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field
from use_cases import cart

from shop.cart import CartView
from shop.catalogue import ProductId
from shop.checkout import MAX_QUANTITY
from shop_aws.api import caller, handler_for, resolver

app = resolver()
# A product id as the catalogue has them (C1): anything else names no product.
ProductInPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")]


class Addition(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    product_id: ProductId = Field(alias="productId")
    quantity: int = Field(default=1, strict=True, ge=1, le=MAX_QUANTITY)


class Quantity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)


@app.get(
    "/cart",
    summary="The member's cart, reviewed by the checkout rules",
    description=(
        "C3: each line with its current price, release date, closing time and stock; the order numbers the "
        "cart becomes (O3, O4) with $18 shipping each (O5) and the totals; every problem that would stop "
        "checkout (O1-O7)."
    ),
)
def my_cart(
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", description="review for this country (O1, O2)")] = None,
) -> Response[CartView]:
    return Response(200, "application/json", cart.my_cart(caller(app).member_id, country))


@app.post(
    "/cart/items",
    summary='Add to the cart ("Add to Cart", "Pre-order Now")',
    description=(
        "C3: adds the product; one already in the cart gets more, up to its reservation limit (the answer's "
        "notice says when it stopped there). A closed pre-order is refused (422), an unknown product is a "
        "404."
    ),
)
def add_to_cart(addition: Addition) -> Response[CartView]:
    changed = cart.add(caller(app).member_id, addition.product_id, addition.quantity)
    return Response(200, "application/json", changed)


@app.put(
    "/cart/items/<product_id>",
    summary="Set the quantity of a cart line",
    description=(
        "C3: the line holds this quantity; more than the product's reservation limit is refused naming it (O6)."
    ),
)
def set_quantity(product_id: ProductInPath, quantity: Quantity) -> Response[CartView]:
    changed = cart.set_quantity(caller(app).member_id, product_id, quantity.quantity)
    return Response(200, "application/json", changed)


@app.delete(
    "/cart/items/<product_id>",
    summary="Remove a cart line",
    description="C3: the product leaves the cart (nothing happens if it was not there).",
)
def remove_line(product_id: ProductInPath) -> Response[CartView]:
    return Response(200, "application/json", cart.remove(caller(app).member_id, product_id))


@app.delete(
    "/cart",
    summary="Empty the cart",
    description="C3: every line leaves the cart.",
)
def empty_cart() -> Response[CartView]:
    return Response(200, "application/json", cart.empty(caller(app).member_id))


lambda_handler = handler_for(app)
