"""Staff look an order up and list failed payments, earliest deadline first (the console's order pages)."""

from __future__ import annotations

from datetime import timedelta

from tests.support.builders import preorder
from tests.support.orders import payment_fails
from tests.support.shop import Member, Shop, confirm_shipping_date, place_preorder


def failed_payment(shop: Shop, member: Member, key: str) -> str:
    number = place_preorder(shop, member, key=key)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)
    return number


def test_failed_payments_are_listed_earliest_deadline_first_with_their_members(
    shop: Shop, alice: Member, bob: Member, staff: Member
) -> None:
    # rule L4, rule L5: the deadline is set when the failure is recorded, so the first failure is due first
    shop.add_product(preorder("miku-2027"))
    first = failed_payment(shop, bob, "first")
    shop.clock.advance(timedelta(hours=5))
    second = failed_payment(shop, alice, "second")
    place_preorder(shop, alice, key="not-charged-yet")

    answer = shop.call("GET", "/admin/failed-payments", member=staff)

    assert answer.status == 200
    listed = answer.body["orders"]
    assert [order["orderNumber"] for order in listed] == [first, second]
    assert [order["email"] for order in listed] == [bob.email, alice.email]
    assert listed[0]["resettlementDeadline"] < listed[1]["resettlementDeadline"]


def test_failed_payments_come_a_page_at_a_time(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L4
    shop.add_product(preorder("miku-2027"))
    numbers = []
    for index in range(3):
        numbers.append(failed_payment(shop, alice, f"k{index}"))
        shop.clock.advance(timedelta(minutes=1))

    first = shop.call("GET", "/admin/failed-payments", member=staff, query={"limit": "2"})
    cursor = first.body["nextCursor"]
    rest = shop.call("GET", "/admin/failed-payments", member=staff, query={"limit": "2", "cursor": cursor})

    assert [o["orderNumber"] for o in first.body["orders"] + rest.body["orders"]] == numbers


def test_staff_read_any_members_order_with_its_emails(shop: Shop, alice: Member, staff: Member) -> None:
    # rule M6, rule S1
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    shop.deliver_outbox()

    answer = shop.call("GET", f"/admin/orders/{number}", member=staff)

    assert answer.status == 200
    assert answer.body["orderNumber"] == number
    assert answer.body["history"]


def test_a_member_cannot_list_failed_payments(shop: Shop, alice: Member) -> None:
    answer = shop.call("GET", "/admin/failed-payments", member=alice)

    assert answer.status == 403


def test_looking_up_a_text_that_is_no_order_number_is_a_400_naming_it(shop: Shop, staff: Member) -> None:
    answer = shop.call("GET", f"/admin/orders/{'x' * 3000}", member=staff)

    assert answer.status == 400
