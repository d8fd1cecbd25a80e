"""Staff keep the catalogue: POST /admin/products, PATCH /admin/products/{productId} (rule C1), and
POST /admin/products/{productId}/release-date (rule C2: every open order of the product is told, once)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from shop.catalogue import Product, ProductChanges
from shop.errors import NotFound
from shop.release_dates import ReleaseDateChange, check_release_date_change
from shop.shipping_dates import ReleaseDatePageJob
from shop_aws import dynamodb
from shop_aws.api import handler_for, resolver
from shop_aws.runtime import clock, logger

app = resolver()


@app.post("/admin/products", status_code=201)
def create_product(product: Product) -> Response[Product]:
    dynamodb.create_product(product)
    logger.info("product created", extra={"product_id": product.product_id})
    return Response(201, "application/json", product)


@app.patch("/admin/products/<product_id>")
def update_product(product_id: str, changes: ProductChanges) -> Response[Product]:
    found = dynamodb.get_product(product_id)
    if found is None:
        raise NotFound(f"There is no product {product_id}.", productId=product_id)
    current, version = found
    updated = changes.apply_to(current)
    dynamodb.replace_product(updated, expected_version=version)
    logger.info("product updated", extra={"product_id": product_id, "fields": sorted(changes.model_fields_set)})
    return Response(200, "application/json", updated)


class ReleaseDateChanged(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    status: str = "ACCEPTED"
    product_id: str = Field(alias="productId")
    previous_release_date: str = Field(alias="previousReleaseDate")
    release_date: str = Field(alias="releaseDate")


@app.post("/admin/products/<product_id>/release-date", status_code=202)
def change_release_date(product_id: str, change: ReleaseDateChange) -> Response[ReleaseDateChanged]:
    """C2: the date moves (earlier or later); the open orders are emailed through the shipping-date queue.

    The product and the fan-out job are written in one transaction (the job leaves through the outbox), so
    a date never changes without its members being told. Nothing is cancelled.
    """
    found = dynamodb.get_product(product_id)
    if found is None:
        raise NotFound(f"There is no product {product_id}.", productId=product_id)
    current, version = found
    moved = check_release_date_change(current, change)
    job = ReleaseDatePageJob(productId=product_id, releaseDate=moved.release_date, changeId=str(version + 1))
    now = clock().now()
    dynamodb.change_release_date(
        moved, expected_version=version, outbox=[dynamodb.outbox_job({"job": job.model_dump(by_alias=True)}, now)]
    )
    logger.info(
        "release date changed",
        extra={"product_id": product_id, "from": current.release_date, "to": moved.release_date},
    )
    return Response(
        202,
        "application/json",
        ReleaseDateChanged(
            productId=product_id, previousReleaseDate=current.release_date, releaseDate=moved.release_date
        ),
    )


lambda_handler = handler_for(app, staff_only=True)
