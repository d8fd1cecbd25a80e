"""POST /admin/orders/{orderNumber}/shipment: the warehouse ships a paid order (rule L7)."""

from __future__ import annotations

from datetime import timedelta

from shop_aws.dynamodb import indexes
from tests.support.orders import (
    a_paid_order,
    a_preorder,
    an_in_stock_order,
    order_of,
    payment_succeeds,
    ship,
    subjects_to,
)
from tests.support.shop import AN_ORDER_NUMBER, ApiWithoutAws, Member, Shop, confirm_shipping_date, state_of


def test_a_paid_order_ships_with_its_carrier_and_tracking_number(shop: Shop, alice: Member) -> None:
    # rule L7
    # given
    number = a_paid_order(shop, alice)
    shop.clock.advance(timedelta(days=2))

    # when
    answer = ship(shop, number, carrier="Yamato", tracking="4455-6677-8899")

    # then
    assert answer.status == 200
    assert answer.body["state"] == "SHIPPED"
    assert answer.body["shipment"] == {
        "carrier": "Yamato",
        "trackingNumber": "4455-6677-8899",
        "shippedAt": "2026-12-03T09:00:00.000Z",
    }
    order = order_of(number)
    assert (order.state.value, order.carrier, order.tracking_number) == ("SHIPPED", "Yamato", "4455-6677-8899")


def test_the_member_gets_the_shipping_announcement_for_the_order_number(shop: Shop, alice: Member) -> None:
    # rule L7, rule M6
    number = a_paid_order(shop, alice)

    ship(shop, number)
    shop.deliver_outbox()

    (email,) = [m for m in shop.emails_to(alice.email) if m.subject == f"Order {number} has shipped"]
    assert "JD014600003828" in email.body
    history = shop.call("GET", f"/orders/{number}", member=alice).body["history"]
    assert [entry["subject"] for entry in history if entry["kind"] == "order_shipped"] == [email.subject]


def test_each_order_number_gets_its_own_announcement(shop: Shop, alice: Member) -> None:
    # rule L7: shipping announcements are sent per order number
    first = a_paid_order(shop, alice, key="first")
    second = a_paid_order(shop, alice, key="second")

    ship(shop, first, tracking="TRACK0001")
    ship(shop, second, tracking="TRACK0002")
    shop.deliver_outbox()

    announced = [m.subject for m in shop.emails_to(alice.email) if m.subject.endswith("has shipped")]
    assert sorted(announced) == sorted([f"Order {first} has shipped", f"Order {second} has shipped"])


def test_a_shipped_order_leaves_its_products_open_order_index(shop: Shop, alice: Member) -> None:
    # rule L7: later product-wide dates and release news do not reach a shipped order
    number = a_paid_order(shop, alice)

    ship(shop, number)

    assert indexes.product_open_orders("miku-2027", 10, None) == ([], None)


def test_an_order_not_yet_paid_does_not_ship_and_the_state_is_named(shop: Shop, alice: Member) -> None:
    # rule L7: only PAID orders ship
    number = a_preorder(shop, alice)

    answer = ship(shop, number)

    assert answer.status == 409
    assert answer.body["code"] == "ILLEGAL_TRANSITION"
    assert answer.body["message"] == f"Order {number} is RESERVED; only a paid order (PAID) can be shipped."
    assert answer.body["currentState"] == "RESERVED"
    assert state_of(number) == "RESERVED"


def test_an_order_whose_charge_is_pending_does_not_ship(shop: Shop, alice: Member) -> None:
    # rule L7
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)

    answer = ship(shop, number)

    assert (answer.status, answer.body["currentState"]) == (409, "SETTLEMENT_PENDING")


def test_the_same_parcel_reported_twice_announces_once(shop: Shop, alice: Member) -> None:
    # rule L7: the warehouse retries after a timeout
    number = a_paid_order(shop, alice)

    first = ship(shop, number)
    again = ship(shop, number)
    shop.deliver_outbox()

    assert (first.status, again.status) == (200, 200)
    assert subjects_to(shop, alice.email, f"Order {number} has shipped") == [f"Order {number} has shipped"]


def test_a_different_parcel_for_a_shipped_order_is_refused(shop: Shop, alice: Member) -> None:
    # rule L7
    number = a_paid_order(shop, alice)
    ship(shop, number, tracking="TRACK0001")

    answer = ship(shop, number, tracking="TRACK0002")

    assert (answer.status, answer.body["currentState"]) == (409, "SHIPPED")
    assert order_of(number).tracking_number == "TRACK0001"


def test_a_tracking_number_that_is_not_one_is_refused_naming_the_field(api: ApiWithoutAws) -> None:
    answer = ship(api, AN_ORDER_NUMBER, tracking="<script>")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "trackingNumber"
    assert api.aws_calls == []


def test_an_unknown_order_is_a_404(shop: Shop) -> None:
    assert ship(shop, "0000-0000-0000-0000").status == 404


def test_an_in_stock_order_with_several_items_ships_as_one_parcel(shop: Shop, alice: Member) -> None:
    # rule L7, rule O4: one order number, one announcement
    number = an_in_stock_order(shop, alice, ("nendo-1", 1), ("nendo-2", 2))
    confirm_shipping_date(shop, number)
    payment_succeeds(shop, number)

    ship(shop, number)
    shop.deliver_outbox()

    assert subjects_to(shop, alice.email, f"Order {number} has shipped") == [f"Order {number} has shipped"]
