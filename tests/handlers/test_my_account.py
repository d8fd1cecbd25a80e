"""My Account: GET /orders and GET /orders/{orderNumber} (rule M6), through API Gateway events."""

from __future__ import annotations

from datetime import timedelta

from tests.support.builders import preorder
from tests.support.orders import a_paid_order, a_preorder, order_of, payment_fails
from tests.support.shop import Api, ApiWithoutAws, Member, Shop, confirm_shipping_date


def my_orders(shop: Api, member: Member, **query: str):
    return shop.call("GET", "/orders", member=member, query=query or None)


def my_order(shop: Shop, member: Member, number: str):
    return shop.call("GET", f"/orders/{number}", member=member)


# --- GET /orders ------------------------------------------------------------------------------------------


def test_a_member_sees_their_own_orders_newest_first(shop: Shop, alice: Member, bob: Member) -> None:
    # rule M6
    # given three orders of alice placed a minute apart, and one of bob
    numbers = []
    for index in range(3):
        numbers.append(a_preorder(shop, alice, key=f"alice-{index}"))
        shop.clock.advance(timedelta(minutes=1))
    a_preorder(shop, bob, key="bob")

    # when
    answer = my_orders(shop, alice)

    # then
    assert answer.status == 200
    assert [order["orderNumber"] for order in answer.body["orders"]] == list(reversed(numbers))
    assert answer.body["nextCursor"] is None


def test_the_list_is_paginated_with_a_cursor(shop: Shop, alice: Member) -> None:
    # rule M6
    numbers = []
    for index in range(5):
        numbers.append(a_preorder(shop, alice, key=f"k-{index}"))
        shop.clock.advance(timedelta(seconds=1))

    first = my_orders(shop, alice, limit="2")
    second = my_orders(shop, alice, limit="2", cursor=first.body["nextCursor"])
    third = my_orders(shop, alice, limit="2", cursor=second.body["nextCursor"])

    pages = [first, second, third]
    assert [[o["orderNumber"] for o in page.body["orders"]] for page in pages] == [
        numbers[4:2:-1],
        numbers[2:0:-1],
        numbers[:1],
    ]
    assert third.body["nextCursor"] is None


def test_each_listed_order_has_its_lines_state_fee_and_total(shop: Shop, alice: Member) -> None:
    # rule M6
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    number = a_preorder(shop, alice)

    (listed,) = my_orders(shop, alice).body["orders"]

    assert listed["orderNumber"] == number
    assert (listed["state"], listed["shippingFeeCents"], listed["totalCents"]) == ("RESERVED", 1_800, 16_800)
    assert [line["productId"] for line in listed["lines"]] == ["miku-2027"]


def test_a_member_without_orders_gets_an_empty_page(shop: Shop, alice: Member) -> None:
    # rule M6
    answer = my_orders(shop, alice)

    assert (answer.status, answer.body) == (200, {"orders": [], "nextCursor": None})


def test_a_cursor_that_is_not_one_is_a_400(api: ApiWithoutAws, alice: Member) -> None:
    answer = my_orders(api, alice, cursor="not-a-cursor")

    assert answer.status == 400
    assert answer.body["field"] == "cursor"
    assert api.aws_calls == []


def test_a_limit_above_fifty_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    answer = my_orders(api, alice, limit="51")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "limit"


# --- GET /orders/{orderNumber} ----------------------------------------------------------------------------


def test_an_order_shows_lines_state_fees_shipping_date_and_payment_state(shop: Shop, alice: Member) -> None:
    # rule M6
    # given a paid order whose date was confirmed
    number = a_paid_order(shop, alice)

    # when
    answer = my_order(shop, alice, number)

    # then
    assert answer.status == 200
    body = answer.body
    assert (body["orderNumber"], body["state"], body["shippingDate"]) == (number, "PAID", "2027-03-10")
    assert (body["itemsTotalCents"], body["shippingFeeCents"], body["totalCents"]) == (15_000, 1_800, 16_800)
    assert body["payment"]["state"] == "PAID"
    assert body["payment"]["paidAt"] == "2026-12-01T09:00:00.000Z"
    assert body["shippingAddress"]["city"] == "Paris"


def test_the_payment_token_is_never_shown_in_full(shop: Shop, alice: Member) -> None:
    # rule M6, rule O13
    number = a_preorder(shop, alice)

    answer = my_order(shop, alice, number)

    assert answer.body["payment"]["method"] == "****4242"
    assert order_of(number).payment_token not in str(answer.body)
    assert answer.body["paymentMethod"] == {"brand": "visa", "last4": "4242"}


def test_the_history_lists_every_email_sent_about_the_order_with_subject_and_time(shop: Shop, alice: Member) -> None:
    # rule M6
    # given an order confirmed, then dated an hour later
    number = a_preorder(shop, alice)
    shop.deliver_outbox()
    shop.clock.advance(timedelta(hours=1))
    confirm_shipping_date(shop, number)
    shop.deliver_outbox()

    # when
    history = my_order(shop, alice, number).body["history"]

    # then
    assert history == [
        {"subject": f"Order confirmation {number}", "sentAt": "2026-12-01T09:00:00.000Z", "kind": "order_confirmation"},
        {
            "subject": f"Shipping date confirmed for order {number}",
            "sentAt": "2026-12-01T10:00:00.000Z",
            "kind": "shipping_date_confirmed",
        },
    ]


def test_an_email_not_yet_delivered_is_not_in_the_history(shop: Shop, alice: Member) -> None:
    # rule M6: the history lists emails sent, not emails planned
    number = a_preorder(shop, alice)

    assert my_order(shop, alice, number).body["history"] == []


def test_another_members_order_is_a_404_like_one_that_does_not_exist(shop: Shop, alice: Member, bob: Member) -> None:
    # rule M6: a 404, never a 403 that confirms it exists
    # given
    number = a_preorder(shop, alice)
    missing = "0000-0000-0000-0000"

    # when
    theirs = my_order(shop, bob, number)
    nobodys = my_order(shop, bob, missing)

    # then
    assert (theirs.status, nobodys.status) == (404, 404)
    assert theirs.body == {
        "code": "NOT_FOUND",
        "message": f"There is no order {number} in your account.",
        "orderNumber": number,
    }
    assert nobodys.body["message"] == f"There is no order {missing} in your account."


def test_an_order_number_read_over_the_phone_is_understood(shop: Shop, alice: Member) -> None:
    # rule O12
    number = a_preorder(shop, alice)

    answer = my_order(shop, alice, number.replace("-", "").lower())

    assert (answer.status, answer.body["orderNumber"]) == (200, number)


def test_a_failed_payment_shows_its_deadline(shop: Shop, alice: Member) -> None:
    # rule M6, rule L4
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)

    payment = my_order(shop, alice, number).body["payment"]

    assert payment == {
        "state": "FAILED",
        "method": "****4242",
        "paidAt": None,
        "resettlementDeadline": "2026-12-08T09:00:00.000Z",
    }
    assert order_of(number).state.value == "PAYMENT_FAILED"
