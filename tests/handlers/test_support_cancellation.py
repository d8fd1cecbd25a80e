"""POST /admin/orders/{orderNumber}/cancellation: customer support cancels an order (rule L8)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from local.template import load
from shop.orders import OrderState
from shop_aws.dynamodb import indexes
from shop_aws.dynamodb import orders as order_store
from tests.support.orders import (
    a_paid_order,
    a_preorder,
    a_shipped_order,
    an_in_stock_order,
    cancel,
    order_of,
    payment_fails,
    subjects_to,
)
from tests.support.shop import AN_ORDER_NUMBER, ApiWithoutAws, Member, Shop, confirm_shipping_date, state_of


def test_support_cancels_a_reserved_order_with_a_reason_code(shop: Shop, alice: Member) -> None:
    # rule L8
    number = a_preorder(shop, alice)

    answer = cancel(shop, number, "CUSTOMER_REQUEST", note="asked by phone, ticket CS-2001")

    assert answer.status == 200
    assert (answer.body["state"], answer.body["cancellationReason"]) == ("CANCELLED", "CUSTOMER_REQUEST")
    assert answer.body["payment"]["state"] == "NOT_CHARGED"
    assert state_of(number) == "CANCELLED"


def test_the_member_is_emailed_the_reason(shop: Shop, alice: Member) -> None:
    # rule L8, rule M6
    number = a_preorder(shop, alice)

    cancel(shop, number, "DUPLICATE_ORDER")
    shop.deliver_outbox()

    (email,) = [m for m in shop.emails_to(alice.email) if m.subject == f"Order {number} has been cancelled"]
    assert "it duplicated another of your orders." in email.body


def test_an_order_whose_payment_failed_may_be_cancelled_and_leaves_the_deadline_index(
    shop: Shop, alice: Member
) -> None:
    # rule L8: before payment includes a failed payment
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)

    answer = cancel(shop, number)

    assert answer.status == 200
    assert indexes.orders_past_deadline(shop.now() + timedelta(days=30), 10) == ([], None)
    assert order_of(number).resettlement_deadline is None


@pytest.mark.parametrize("reached", ["SETTLEMENT_PENDING", "PAID", "SHIPPED"])
def test_once_payment_is_under_way_or_done_cancellation_is_refused_naming_the_state(
    shop: Shop, alice: Member, reached: str
) -> None:
    # rule L8
    # given
    if reached == "SHIPPED":
        number = a_shipped_order(shop, alice)
    elif reached == "PAID":
        number = a_paid_order(shop, alice)
    else:
        number = a_preorder(shop, alice)
        confirm_shipping_date(shop, number)

    # when
    answer = cancel(shop, number)

    # then
    assert answer.status == 409
    assert answer.body["currentState"] == reached
    assert answer.body["message"] == (
        f"Order {number} is {reached} and cannot be cancelled: support cancels only before payment "
        "(RESERVED, SHIPPING_DATE_CONFIRMED or PAYMENT_FAILED)."
    )
    assert state_of(number) == reached


def test_an_order_cancelled_already_is_refused_naming_it(shop: Shop, alice: Member) -> None:
    # rule L8
    number = a_preorder(shop, alice)
    cancel(shop, number)

    answer = cancel(shop, number)

    assert (answer.status, answer.body["currentState"]) == (409, "CANCELLED")


def test_the_release_date_changing_is_refused_as_a_reason(shop: Shop, alice: Member) -> None:
    # rule L8, rule C2
    number = a_preorder(shop, alice)

    answer = cancel(shop, number, "RELEASE_DATE_CHANGED")

    assert answer.status == 422
    assert answer.body["code"] == "CANCELLATION_REFUSED"
    assert answer.body["message"] == (
        f"Order {number} cannot be cancelled because the release date changed: a release date may move earlier "
        "or later and is never a ground for cancellation."
    )
    assert state_of(number) == "RESERVED"


def test_a_reason_that_is_not_a_code_is_refused_naming_the_field(api: ApiWithoutAws) -> None:
    answer = cancel(api, AN_ORDER_NUMBER, "BECAUSE")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "reason"
    assert api.aws_calls == []


def test_a_cancelled_in_stock_order_returns_its_quantities_to_stock(shop: Shop, alice: Member) -> None:
    # rule L8
    number = an_in_stock_order(shop, alice, ("nendo-1", 2), ("nendo-2", 1))
    assert (shop.product("nendo-1").stock, shop.product("nendo-2").stock) == (8, 9)

    cancel(shop, number)

    assert (shop.product("nendo-1").stock, shop.product("nendo-2").stock) == (10, 10)


def test_a_cancelled_preorder_changes_no_stock_and_leaves_the_product_index(shop: Shop, alice: Member) -> None:
    # rule L8
    number = a_preorder(shop, alice)

    cancel(shop, number)

    assert indexes.product_open_orders("miku-2027", 10, None) == ([], None)
    assert shop.product("miku-2027").stock is None


def test_members_have_no_cancellation_route_of_their_own() -> None:
    # rule L8: only by customer support
    member_routes = [route for route in load().routes() if not route.path.startswith("/admin")]

    assert [route.path for route in member_routes if "cancel" in route.path] == []


def test_a_charge_that_started_meanwhile_wins_and_the_cancellation_is_refused(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule L8: support read the order before the charge was requested; the conditional write refuses
    number = a_preorder(shop, alice)
    read_order = order_store.get_order

    def charge_requested_after_the_read(order_number: str):
        seen = read_order(order_number)
        monkeypatch.setattr(order_store, "get_order", read_order)
        confirm_shipping_date(shop, number)
        return seen

    monkeypatch.setattr(order_store, "get_order", charge_requested_after_the_read)

    answer = cancel(shop, number)

    assert (answer.status, answer.body["currentState"]) == (409, "SETTLEMENT_PENDING")
    assert order_of(number).state is OrderState.SETTLEMENT_PENDING
    assert subjects_to(shop, alice.email, f"Order {number} has been cancelled") == []
