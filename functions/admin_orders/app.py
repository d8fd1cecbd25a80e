"""Staff and the warehouse system act on orders under /admin (staff group only):

- POST /admin/orders/{orderNumber}/shipment: the warehouse shipped a paid order (rule L7).
- POST /admin/orders/{orderNumber}/cancellation: customer support cancels before payment (rule L8).
- POST /admin/orders/{orderNumber}/defects: a defect on a shipped order gets a replacement (rule L10).
- POST /admin/imports/orders: orders of the old shop come over as they were (rule L11).
- GET /admin/orders/{orderNumber}: one order as staff see it, with its emails and support requests (M6, S1).
- GET /admin/failed-payments: orders whose payment failed, earliest re-settlement deadline first (L4-L6).
- GET /admin/orders?state=...: the orders in one state, by time of order (the console's lists).

There is no refund and no split: no route here (or anywhere) returns money or divides an order (L10, L11).
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field
from use_cases import staff_orders

from shop.imports import ImportRequest
from shop.order_numbers import parse_any_order_number
from shop.orders import OrderState
from shop.support import CancellationRequest, DefectReport, Shipment
from shop.views import OrderDetailView, StaffOrderPage
from shop_aws.api import handler_for, resolver

app = resolver()


@app.post(
    "/admin/orders/<order_number>/shipment",
    summary="Ship a paid order",
    description=(
        "L7: a PAID order becomes SHIPPED with its carrier and tracking number, and the member is emailed once."
    ),
    operation_id="shipOrder",
)
def ship(order_number: str, shipment: Shipment) -> Response[OrderDetailView]:
    """L7: PAID -> SHIPPED with carrier and tracking number; the shipping announcement goes out once."""
    return Response(200, "application/json", staff_orders.ship(order_number, shipment))


@app.post(
    "/admin/orders/<order_number>/cancellation",
    summary="Cancel an order (customer support)",
    description=(
        "L8: only customer support cancels, for a reason given; a paid order is never refunded (L10), so only "
        "unpaid orders can be cancelled. The member is emailed (M6)."
    ),
    operation_id="cancelOrder",
)
def cancel(order_number: str, request: CancellationRequest) -> Response[OrderDetailView]:
    """L8: only before payment, with a reason code; never because the release date changed (C2)."""
    return Response(200, "application/json", staff_orders.cancel_for_support(order_number, request))


@app.post(
    "/admin/orders/<order_number>/defects",
    status_code=201,
    summary="Send a replacement for a defective item",
    description=(
        "L10: no returns or refunds; a defective item gets a replacement order at no charge, linked both ways "
        "to the original and to the support ticket, and the member is emailed. The same ticket again answers "
        "the replacement recorded before (200)."
    ),
    operation_id="reportDefect",
    responses={
        201: {
            "description": "The replacement order, at no charge",
            "content": {"application/json": {"model": OrderDetailView}},
        },
        200: {
            "description": "This support ticket's replacement, recorded before",
            "content": {"application/json": {"model": OrderDetailView}},
        },
    },
)
def report_defect(order_number: str, report: DefectReport) -> Response[OrderDetailView]:
    """L10: a replacement shipment at no charge, linked both ways to the original; never a refund."""
    replacement = staff_orders.report_defect(order_number, report)
    return Response(201 if replacement.created else 200, "application/json", replacement.detail)


class ImportResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    imported: list[str]
    already_imported: list[str] = Field(alias="alreadyImported")


@app.post(
    "/admin/imports/orders",
    status_code=201,
    summary="Import orders from the old shop",
    description=(
        "L11: each order keeps its number, items, prices, address and state, and belongs to the member who "
        "signed up with its email address. An order imported before is listed, not imported again (200 when "
        "every one was)."
    ),
    operation_id="importOldShopOrders",
    responses={
        201: {
            "description": "The orders imported now, and those imported before",
            "content": {"application/json": {"model": ImportResult}},
        },
        200: {
            "description": "Every order was imported before",
            "content": {"application/json": {"model": ImportResult}},
        },
    },
)
def import_orders(request: ImportRequest) -> Response[ImportResult]:
    """L11: old-shop orders keep their number, items, address and state; each belongs to a signed-up member."""
    done = staff_orders.import_orders(request)
    body = ImportResult(imported=done.imported, already_imported=done.already_imported)
    return Response(201 if done.imported else 200, "application/json", body)


@app.get(
    "/admin/orders/<order_number>",
    summary="One order as staff see it",
    description="M6, S1: lines, state, dates, addresses, payment state, shipment, emails and support requests.",
)
def order_detail(order_number: str) -> Response[OrderDetailView]:
    return Response(200, "application/json", staff_orders.detail(parse_any_order_number(order_number)))


@app.get(
    "/admin/failed-payments",
    summary="Orders whose payment failed, earliest deadline first",
    description="L4, L5, L6: each with its member and its re-settlement deadline, a page at a time (limit, cursor).",
)
def failed_payments(
    limit: Annotated[int, Query(ge=1, le=50)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response[StaffOrderPage]:
    return Response(200, "application/json", staff_orders.failed_payments(limit, cursor))


@app.get(
    "/admin/orders",
    summary="Orders in one state",
    description=(
        "L1-L8: the orders in the state asked for, by time of order (oldest first, or newest first with "
        "newestFirst=true), each with its member and whether order emails still reach them (E1), a page at a "
        "time (limit, cursor)."
    ),
    operation_id="listOrdersByState",
)
def orders_by_state(
    state: Annotated[OrderState, Query()],
    limit: Annotated[int, Query(ge=1, le=50)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    newest_first: Annotated[bool, Query(alias="newestFirst")] = False,
) -> Response[StaffOrderPage]:
    return Response(200, "application/json", staff_orders.in_state(state, limit, cursor, newest_first=newest_first))


lambda_handler = handler_for(app, staff_only=True)
