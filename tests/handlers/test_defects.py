"""POST /admin/orders/{orderNumber}/defects: a defect gets a replacement shipment, never a refund (rule L10)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from local.template import load
from tests.support.orders import (
    STAFF,
    a_paid_order,
    a_shipped_order,
    an_in_stock_order,
    order_of,
    payment_succeeds,
    ship,
    subjects_to,
)
from tests.support.shop import Member, Shop, confirm_shipping_date, state_of


def report(shop: Shop, number: str, ticket: str = "CS-1042", **changes: Any):
    body = {"supportTicket": ticket, "description": "Left arm broken in the box"} | changes
    return shop.call("POST", f"/admin/orders/{number}/defects", body, member=STAFF)


def test_a_defect_on_a_shipped_order_gets_a_replacement_at_no_charge(shop: Shop, alice: Member) -> None:
    # rule L10
    # given
    original = a_shipped_order(shop, alice)

    # when
    answer = report(shop, original)

    # then
    assert answer.status == 201
    replacement = answer.body
    assert replacement["orderNumber"] != original
    assert replacement["replacementOf"] == original
    assert (replacement["itemsTotalCents"], replacement["shippingFeeCents"], replacement["totalCents"]) == (0, 0, 0)
    assert (replacement["state"], replacement["payment"]["state"]) == ("PAID", "NO_CHARGE")
    assert [(line["productId"], line["quantity"]) for line in replacement["lines"]] == [("miku-2027", 1)]
    assert (
        replacement["shippingAddress"] == shop.call("GET", f"/orders/{original}", member=alice).body["shippingAddress"]
    )


def test_the_original_and_the_replacement_are_linked_both_ways(shop: Shop, alice: Member) -> None:
    # rule L10
    original = a_shipped_order(shop, alice)

    replacement = report(shop, original).body["orderNumber"]

    assert order_of(original).replacements == (replacement,)
    assert order_of(replacement).replacement_of == original
    assert shop.call("GET", f"/orders/{original}", member=alice).body["replacements"] == [replacement]
    assert state_of(original) == "SHIPPED"


def test_the_member_is_emailed_the_replacement_and_sees_it_in_my_account(shop: Shop, alice: Member) -> None:
    # rule L10, rule M6
    original = a_shipped_order(shop, alice)
    shop.deliver_outbox()
    shop.clock.advance(timedelta(days=5))

    replacement = report(shop, original).body["orderNumber"]
    shop.deliver_outbox()

    assert subjects_to(shop, alice.email, "Replacement") == [f"Replacement for order {original}: order {replacement}"]
    listed = [order["orderNumber"] for order in shop.call("GET", "/orders", member=alice).body["orders"]]
    assert listed == [replacement, original]
    history = shop.call("GET", f"/orders/{replacement}", member=alice).body["history"]
    assert [entry["kind"] for entry in history] == ["replacement_shipment"]


def test_the_replacement_ships_like_any_paid_order(shop: Shop, alice: Member) -> None:
    # rule L10, rule L7
    original = a_shipped_order(shop, alice)
    replacement = report(shop, original).body["orderNumber"]

    answer = ship(shop, replacement, tracking="REPLACE0001")

    assert (answer.status, answer.body["state"]) == (200, "SHIPPED")


def test_only_the_defective_lines_may_be_replaced(shop: Shop, alice: Member) -> None:
    # rule L10
    original = an_in_stock_order(shop, alice, ("nendo-1", 2), ("nendo-2", 1))
    confirm_shipping_date(shop, original)
    payment_succeeds(shop, original)
    ship(shop, original)

    answer = report(shop, original, lines=[{"productId": "nendo-1", "quantity": 1}])

    assert [(line["productId"], line["quantity"]) for line in answer.body["lines"]] == [("nendo-1", 1)]
    assert answer.body["kind"] == "IN_STOCK"


def test_a_replacement_takes_nothing_from_stock(shop: Shop, alice: Member) -> None:
    # rule L10 (decision: the warehouse sends the replacement from its spare stock)
    original = an_in_stock_order(shop, alice, ("nendo-1", 2))
    confirm_shipping_date(shop, original)
    payment_succeeds(shop, original)
    ship(shop, original)

    report(shop, original)

    assert shop.product("nendo-1").stock == 8


def test_the_same_support_ticket_twice_creates_one_replacement(shop: Shop, alice: Member) -> None:
    # rule L10: support retries after a timeout
    original = a_shipped_order(shop, alice)

    first = report(shop, original, ticket="CS-1042")
    again = report(shop, original, ticket="CS-1042")
    shop.deliver_outbox()

    assert (first.status, again.status) == (201, 200)
    assert again.body["orderNumber"] == first.body["orderNumber"]
    assert order_of(original).replacements == (first.body["orderNumber"],)
    assert len(subjects_to(shop, alice.email, "Replacement")) == 1


def test_a_second_defect_on_another_ticket_gets_a_second_replacement(shop: Shop, alice: Member) -> None:
    # rule L10
    original = a_shipped_order(shop, alice)

    first = report(shop, original, ticket="CS-1042").body["orderNumber"]
    second = report(shop, original, ticket="CS-1077").body["orderNumber"]

    assert order_of(original).replacements == (first, second)


def test_an_order_not_shipped_yet_gets_no_replacement_and_the_state_is_named(shop: Shop, alice: Member) -> None:
    # rule L10
    number = a_paid_order(shop, alice)

    answer = report(shop, number)

    assert answer.status == 409
    assert (
        answer.body["message"] == f"Order {number} is PAID; a replacement is sent only for an order that was shipped."
    )
    assert order_of(number).replacements == ()


def test_a_line_that_is_not_on_the_order_is_refused_naming_it(shop: Shop, alice: Member) -> None:
    # rule L10
    original = a_shipped_order(shop, alice)

    answer = report(shop, original, lines=[{"productId": "rin-2027", "quantity": 1}])

    assert answer.status == 400
    assert answer.body["message"] == f"Product rin-2027 is not on order {original}."


def test_no_route_refunds_money() -> None:
    # rule L10: no returns, no refunds; no refund path exists anywhere
    paths = [f"{route.method} {route.path}" for route in load().routes()]

    assert [path for path in paths if "refund" in path.lower() or "return" in path.lower()] == []


def test_no_function_ever_asks_the_payment_processor_for_money_back() -> None:
    # rule L10: the shop only ever puts SettlementRequested on its bus
    sources = [path.read_text() for path in Path("functions").glob("*/app.py")]
    sources += [path.read_text() for path in Path("layers/common/python").rglob("*.py")]

    assert not any("Refund" in source or "refund(" in source for source in sources)
