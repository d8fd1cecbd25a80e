"""Staff keep the catalogue: POST /admin/products, PATCH /admin/products/{productId} (rule C1), and
POST /admin/products/{productId}/release-date (rule C2: every open order of the product is told, once)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field
from use_cases import catalogue

from shop.catalogue import Product, ProductChanges
from shop.release_dates import ReleaseDateChange
from shop_aws.api import handler_for, resolver

app = resolver()


@app.post(
    "/admin/products",
    status_code=201,
    summary="Add a product to the catalogue",
    description=(
        "C1: a pre-order figure (price, release date, closing time, reservation limit, excluded countries for "
        "O2) or an in-stock one (stock for O7). A productId already used is a 409."
    ),
)
def create_product(product: Product) -> Response[Product]:
    return Response(201, "application/json", catalogue.create_product(product))


@app.patch(
    "/admin/products/<product_id>",
    summary="Change a product",
    description=(
        "C1: price, name, closing time, limits, stock or excluded countries (O2); orders already placed keep "
        "their prices (O13). The release date has its own route (C2)."
    ),
)
def update_product(product_id: str, changes: ProductChanges) -> Response[Product]:
    return Response(200, "application/json", catalogue.update_product(product_id, changes))


class ReleaseDateChanged(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "ACCEPTED"
    product_id: str = Field(alias="productId")
    previous_release_date: str = Field(alias="previousReleaseDate")
    release_date: str = Field(alias="releaseDate")


@app.post(
    "/admin/products/<product_id>/release-date",
    status_code=202,
    summary="Move a product's release date",
    description=(
        "C2: the new date is recorded and every member with an order of it is emailed the old and new dates; "
        "no order is cancelled. The emails are sent in the background (202)."
    ),
)
def change_release_date(product_id: str, change: ReleaseDateChange) -> Response[ReleaseDateChanged]:
    """C2: the date moves, earlier or later; every open order is emailed, through the queue; nothing is cancelled."""
    moved = catalogue.change_release_date(product_id, change)
    body = ReleaseDateChanged(product_id=product_id, previous_release_date=moved.previous, release_date=moved.current)
    return Response(202, "application/json", body)


lambda_handler = handler_for(app, staff_only=True)
