"""Staff list the orders in one state (GET /admin/orders?state=...), the console's order lists, with the
members whose address SES reported undeliverable flagged (E1)."""

from __future__ import annotations

from datetime import timedelta

from tests.handlers.test_email_events import ses_event
from tests.support.builders import preorder
from tests.support.orders import a_paid_order, a_preorder, a_shipped_order, cancel, payment_fails
from tests.support.shop import Member, Shop, confirm_shipping_date, place_preorder


def listed(shop: Shop, staff: Member, state: str, **query: str) -> list[str]:
    answer = shop.call("GET", "/admin/orders", member=staff, query={"state": state, **query})
    assert answer.status == 200, answer
    return [order["orderNumber"] for order in answer.body["orders"]]


def test_orders_are_listed_under_their_state_oldest_first(
    shop: Shop, alice: Member, bob: Member, staff: Member
) -> None:
    # rule L1: a dated order (charged at once, its date being near) is no longer among the reserved ones
    shop.add_product(preorder("miku-2027"))
    first = place_preorder(shop, alice, key="first")
    shop.clock.advance(timedelta(minutes=1))
    dated = place_preorder(shop, bob, key="dated")
    shop.clock.advance(timedelta(minutes=1))
    third = place_preorder(shop, bob, key="third")
    confirm_shipping_date(shop, dated)

    assert listed(shop, staff, "RESERVED") == [first, third]
    assert listed(shop, staff, "SETTLEMENT_PENDING") == [dated]


def test_newest_first_lists_the_latest_order_first(shop: Shop, alice: Member, staff: Member) -> None:
    shop.add_product(preorder("miku-2027"))
    older = place_preorder(shop, alice, key="older")
    shop.clock.advance(timedelta(minutes=1))
    newer = place_preorder(shop, alice, key="newer")

    assert listed(shop, staff, "RESERVED", newestFirst="true") == [newer, older]


def test_each_transition_moves_the_order_to_its_new_state_list(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L3, rule L4, rule L7, rule L8
    failed = a_preorder(shop, alice, key="failed")
    confirm_shipping_date(shop, failed)
    payment_fails(shop, failed)
    shipped = a_shipped_order(shop, alice, key="shipped")
    paid = a_paid_order(shop, alice, key="paid")
    cancelled = a_preorder(shop, alice, key="cancelled")
    assert cancel(shop, cancelled).status == 200

    assert listed(shop, staff, "PAYMENT_FAILED") == [failed]
    assert listed(shop, staff, "SHIPPED") == [shipped]
    assert listed(shop, staff, "PAID") == [paid]
    assert listed(shop, staff, "CANCELLED") == [cancelled]
    assert listed(shop, staff, "RESERVED") == []


def test_each_listed_order_names_its_member_and_total(shop: Shop, alice: Member, staff: Member) -> None:
    number = a_preorder(shop, alice)

    answer = shop.call("GET", "/admin/orders", member=staff, query={"state": "RESERVED"})

    (order,) = answer.body["orders"]
    assert order["orderNumber"] == number
    assert order["memberId"] == alice.member_id
    assert order["email"] == alice.email
    assert order["totalCents"] == order["itemsTotalCents"] + 1800
    assert order["emailUndeliverable"] is False


def test_orders_come_a_page_at_a_time(shop: Shop, alice: Member, staff: Member) -> None:
    shop.add_product(preorder("miku-2027"))
    numbers = []
    for index in range(3):
        numbers.append(place_preorder(shop, alice, key=f"k{index}"))
        shop.clock.advance(timedelta(minutes=1))

    first = shop.call("GET", "/admin/orders", member=staff, query={"state": "RESERVED", "limit": "2"})
    rest = shop.call(
        "GET",
        "/admin/orders",
        member=staff,
        query={"state": "RESERVED", "limit": "2", "cursor": first.body["nextCursor"]},
    )

    assert [o["orderNumber"] for o in first.body["orders"] + rest.body["orders"]] == numbers
    assert rest.body["nextCursor"] is None


def test_an_order_whose_member_email_bounces_is_flagged_in_the_list(
    shop: Shop, alice: Member, bob: Member, staff: Member
) -> None:
    # rule E1: staff see who no longer gets the order emails
    bounced = a_preorder(shop, alice, key="bounced")
    reachable = a_preorder(shop, bob, key="reachable")
    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "order_confirmation", bounced))

    answer = shop.call("GET", "/admin/orders", member=staff, query={"state": "RESERVED"})

    flags = {order["orderNumber"]: order["emailUndeliverable"] for order in answer.body["orders"]}
    assert flags == {bounced: True, reachable: False}


def test_a_failed_payment_whose_member_email_bounces_is_flagged(shop: Shop, alice: Member, staff: Member) -> None:
    # rule E1, rule L4: the member missed the email asking them to pay again
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)
    shop.invoke("EmailEventsFunction", ses_event("Complaint", alice.email, "payment_failed", number))

    answer = shop.call("GET", "/admin/failed-payments", member=staff)

    assert [order["emailUndeliverable"] for order in answer.body["orders"]] == [True]


def test_an_unknown_state_is_a_422_naming_the_parameter(shop: Shop, staff: Member) -> None:
    answer = shop.call("GET", "/admin/orders", member=staff, query={"state": "LOST"})

    assert answer.status == 422
    assert "state" in answer.body["message"]


def test_a_list_without_a_state_is_a_422(shop: Shop, staff: Member) -> None:
    answer = shop.call("GET", "/admin/orders", member=staff)

    assert answer.status == 422
    assert "state" in answer.body["message"]


def test_a_cursor_from_another_list_is_a_400(shop: Shop, alice: Member, staff: Member) -> None:
    shop.add_product(preorder("miku-2027"))
    for index in range(2):
        place_preorder(shop, alice, key=f"k{index}")
    other = shop.call("GET", "/orders", member=alice, query={"limit": "1"})

    answer = shop.call(
        "GET", "/admin/orders", member=staff, query={"state": "RESERVED", "cursor": other.body["nextCursor"]}
    )

    assert answer.status == 400
    assert answer.body["code"] == "INVALID_INPUT"


def test_a_member_cannot_list_orders_by_state(shop: Shop, alice: Member) -> None:
    answer = shop.call("GET", "/admin/orders", member=alice, query={"state": "RESERVED"})

    assert answer.status == 403
