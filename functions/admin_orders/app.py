"""Staff and the warehouse system act on orders under /admin (staff group only):

- POST /admin/orders/{orderNumber}/shipment: the warehouse shipped a paid order (rule L7).
- POST /admin/orders/{orderNumber}/cancellation: customer support cancels before payment (rule L8).
- POST /admin/orders/{orderNumber}/defects: a defect on a shipped order gets a replacement (rule L10).
- POST /admin/imports/orders: orders of the old shop come over as they were (rule L11).

There is no refund and no split: no route here (or anywhere) returns money or divides an order (L10, L11).
"""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field

from shop import emails
from shop.clock import iso
from shop.errors import DefectAlreadyRecorded, ImportRefused
from shop.imports import ImportRequest, check_batch, imported_order
from shop.members import normalise_email
from shop.order_numbers import OrderNumbers, parse_any_order_number
from shop.orders import OrderState
from shop.support import (
    CancellationRequest,
    DefectReport,
    Shipment,
    check_shipment,
    check_support_cancellation,
    plan_replacement,
)
from shop.views import OrderDetailView
from shop_aws import dynamodb
from shop_aws.api import handler_for, resolver
from shop_aws.runtime import clock, logger, metrics

app = resolver()
order_numbers = OrderNumbers(clock())


def detail(order_number: str) -> OrderDetailView:
    order = dynamodb.require_order(order_number)
    return OrderDetailView.of_order(order, dynamodb.email_history(order_number))


@app.post("/admin/orders/<order_number>/shipment")
def ship(order_number: str, shipment: Shipment) -> Response[OrderDetailView]:
    """L7: PAID -> SHIPPED with carrier and tracking number; the shipping announcement goes out once."""
    order = dynamodb.require_order(parse_any_order_number(order_number))
    if check_shipment(order, shipment):
        logger.info("shipment reported again", extra={"order_number": order.order_number})
        return Response(200, "application/json", detail(order.order_number))
    now = clock().now()
    dynamodb.apply_transition(
        dynamodb.Transition(
            order=order,
            target=OrderState.SHIPPED,
            set_values={
                "carrier": shipment.carrier,
                "trackingNumber": shipment.tracking_number,
                "shippedAt": iso(now),
            },
            outbox=[
                dynamodb.outbox_email(emails.order_shipped(order, shipment.carrier, shipment.tracking_number), now)
            ],
            extra=dynamodb.close_product_index_entries(order),
        )
    )
    metrics.add_metric(name="OrdersShipped", unit="Count", value=1)
    logger.info("order shipped", extra={"order_number": order.order_number, "carrier": shipment.carrier})
    return Response(200, "application/json", detail(order.order_number))


@app.post("/admin/orders/<order_number>/cancellation")
def cancel(order_number: str, request: CancellationRequest) -> Response[OrderDetailView]:
    """L8: only before payment, with a reason code; never because the release date changed (C2)."""
    order = dynamodb.require_order(parse_any_order_number(order_number))
    reason_text = check_support_cancellation(order, request.reason)
    now = clock().now()
    recorded = {"cancelledAt": iso(now), "cancellationReason": request.reason.value, "cancelledBy": "SUPPORT"}
    if request.note:
        recorded["cancellationNote"] = request.note
    dynamodb.apply_transition(
        dynamodb.Transition(
            order=order,
            target=OrderState.CANCELLED,
            set_values=recorded,
            remove=["resettlementDeadline", *dynamodb.RESETTLEMENT_INDEX_ATTRIBUTES],
            outbox=[dynamodb.outbox_email(emails.order_cancelled(order, reason_text), now)],
            extra=dynamodb.close_product_index_entries(order) + dynamodb.return_stock(order),
        )
    )
    metrics.add_metric(name="OrdersCancelledBySupport", unit="Count", value=1)
    logger.info("order cancelled by support", extra={"order_number": order.order_number, "reason": request.reason})
    return Response(200, "application/json", detail(order.order_number))


@app.post(
    "/admin/orders/<order_number>/defects",
    status_code=201,
    responses={
        200: {
            "description": "This support ticket's replacement, recorded before",
            "content": {"application/json": {"model": OrderDetailView}},
        }
    },
)
def report_defect(order_number: str, report: DefectReport) -> Response[OrderDetailView]:
    """L10: a replacement shipment at no charge, linked both ways to the original; never a refund."""
    original = dynamodb.require_order(parse_any_order_number(order_number))
    now = clock().now()
    replacement = plan_replacement(original, report, order_numbers.next(), now)
    try:
        dynamodb.record_replacement(
            original, replacement, [dynamodb.outbox_email(emails.replacement_shipment(replacement), now)], now
        )
    except DefectAlreadyRecorded as already:
        existing = already.details.get("replacementOrderNumber")
        if not existing:
            raise
        logger.info("defect reported again", extra={"order_number": original.order_number, "ticket": existing})
        return Response(200, "application/json", detail(str(existing)))
    metrics.add_metric(name="ReplacementsSent", unit="Count", value=1)
    logger.info(
        "replacement created",
        extra={"order_number": original.order_number, "replacement": replacement.order_number},
    )
    return Response(201, "application/json", detail(replacement.order_number))


class ImportResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    imported: list[str]
    already_imported: list[str] = Field(alias="alreadyImported")


@app.post(
    "/admin/imports/orders",
    status_code=201,
    responses={
        200: {
            "description": "Every order was imported before",
            "content": {"application/json": {"model": ImportResult}},
        }
    },
)
def import_orders(request: ImportRequest) -> Response[ImportResult]:
    """L11: old-shop orders keep their number, items, address and state; each belongs to a signed-up member."""
    check_batch(request, clock().now())
    owners: dict[str, tuple[str, str]] = {}
    unknown = []
    for old in request.orders:
        email = normalise_email(old.member_email)
        member_id = dynamodb.member_id_for_email(email)
        if member_id is None:
            unknown.append(email)
        else:
            owners[old.order_number] = (member_id, email)
    if unknown:
        listed = sorted(set(unknown))
        raise ImportRefused(
            "No member has signed up with " + ", ".join(listed) + "; they sign up in the new shop first. "
            "Nothing was imported.",
            memberEmails=listed,
        )
    imported, already = [], []
    for old in request.orders:
        member_id, email = owners[old.order_number]
        written = dynamodb.import_order(imported_order(old, member_id, email))
        (imported if written else already).append(old.order_number)
    metrics.add_metric(name="OrdersImported", unit="Count", value=len(imported))
    logger.info("old-shop orders imported", extra={"imported": len(imported), "already": len(already)})
    return Response(
        201 if imported else 200, "application/json", ImportResult(imported=imported, alreadyImported=already)
    )


lambda_handler = handler_for(app, staff_only=True)
