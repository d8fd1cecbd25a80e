"""POST /admin/products and PATCH /admin/products/{productId}: staff keep the catalogue (rule C1)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from shop.catalogue import Product, ProductChanges
from shop.errors import NotFound
from shop_aws import dynamodb
from shop_aws.api import handler_for, resolver
from shop_aws.runtime import logger

app = resolver()


@app.post("/admin/products")
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


lambda_handler = handler_for(app, staff_only=True)
