"""Staff keep the catalogue: products created and changed (C1), release dates moved (C2)."""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalogue import Product, ProductChanges
from shop.release_dates import ReleaseDateChange, check_release_date_change
from shop.shipping_dates import ReleaseDatePageJob
from shop_aws.dynamodb import products
from shop_aws.dynamodb.outbox import outbox_job
from shop_aws.runtime import clock, logger


def create_product(product: Product) -> Product:
    products.create_product(product)
    logger.info("product created", extra={"product_id": product.product_id})
    return product


def update_product(product_id: str, changes: ProductChanges) -> Product:
    """C1: the changes, checked against the whole product, written over the version read."""
    current, version = products.require_product(product_id)
    updated = changes.apply_to(current)
    products.replace_product(updated, expected_version=version)
    logger.info("product updated", extra={"product_id": product_id, "fields": sorted(changes.model_fields_set)})
    return updated


@dataclass(frozen=True)
class MovedReleaseDate:
    previous: str
    current: str


def change_release_date(product_id: str, change: ReleaseDateChange) -> MovedReleaseDate:
    """C2: the date moves (earlier or later); the open orders are emailed through the shipping-date queue.

    The product and the fan-out job are written in one transaction (the job leaves through the outbox), so
    a date never changes without its members being told. Nothing is cancelled.
    """
    current, version = products.require_product(product_id)
    moved = check_release_date_change(current, change)
    job = ReleaseDatePageJob(product_id=product_id, release_date=moved.release_date, change_id=str(version + 1))
    products.change_release_date(
        moved, expected_version=version, outbox=[outbox_job({"job": job.model_dump(by_alias=True)}, clock().now())]
    )
    logger.info(
        "release date changed", extra={"product_id": product_id, "from": current.release_date, "to": moved.release_date}
    )
    return MovedReleaseDate(previous=current.release_date, current=moved.release_date)
