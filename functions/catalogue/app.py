"""GET /products and GET /products/{productId}: the public catalogue (rules M1, C1)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import Product
from shop_aws.api import handler_for, resolver
from shop_aws.dynamodb import products

app = resolver()


class ProductPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    products: list[Product]
    next_cursor: str | None = Field(default=None, alias="nextCursor")


@app.get(
    "/products",
    summary="Browse the catalogue",
    description=(
        "M1, C1: public, no sign-in. Products on sale with price, release date (pre-orders), closing time and "
        "stock state, a page at a time (nextCursor)."
    ),
)
def list_products(
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[ProductPage]:
    page, next_cursor = products.list_products(limit, cursor)
    return Response(200, "application/json", ProductPage(products=page, nextCursor=next_cursor))


@app.get(
    "/products/<product_id>",
    summary="One product",
    description=("M1, C1: public, no sign-in. A product that does not exist is a 404."),
)
def get_product(product_id: str) -> Response[Product]:
    product, _ = products.require_product(product_id)
    return Response(200, "application/json", product)


lambda_handler = handler_for(app)
