"""A member changes one order's shipping address (rule L9) or payment method (rule O13) in My Account."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from shop.orders import PaymentCard
from shop_aws.dynamodb import orders as order_store
from tests.support.builders import address_fields, cart, in_stock, preorder
from tests.support.orders import a_paid_order, a_preorder, order_of, payment_fails, ship, subjects_to
from tests.support.shop import (
    AN_ORDER_NUMBER,
    Api,
    ApiWithoutAws,
    Member,
    Shop,
    checkout,
    confirm_shipping_date,
    outbox_entries,
    state_of,
)
from tests.support.stripe import MASTERCARD

NEW_ADDRESS = address_fields("DE", name="Alice Martin", line1="Unter den Linden 77", city="Berlin", postalCode="10117")


def change_address(shop: Api, member: Member, number: str, body: dict[str, Any] | None = None):
    return shop.call("PUT", f"/orders/{number}/shipping-address", body or NEW_ADDRESS, member=member)


def change_payment_method(shop: Api, member: Member, number: str, card: str = MASTERCARD):
    """O13 with a card the member saved (a test card's number is saved first), or a PaymentMethod id as given."""
    method = shop.saved_card(member, card) if isinstance(shop, Shop) and card.isdigit() else card
    return shop.call("PUT", f"/orders/{number}/payment-method", {"paymentMethodId": method}, member=member)


def settlement_requests(shop: Shop) -> list[dict[str, Any]]:
    return [
        json.loads(entry["detail"])
        for entry in outbox_entries(shop)
        if entry["kind"] == "EVENT" and entry["detailType"] == "SettlementRequested"
    ]


# --- L9 ---------------------------------------------------------------------------------------------------


def test_a_member_changes_the_address_of_an_order_waiting_for_its_shipping_date(shop: Shop, alice: Member) -> None:
    # rule L9
    number = a_preorder(shop, alice)

    answer = change_address(shop, alice, number)

    assert answer.status == 200
    assert answer.body["shippingAddress"]["city"] == "Berlin"
    assert order_of(number).shipping_address.city == "Berlin"


def test_the_other_orders_of_the_same_checkout_keep_their_address(shop: Shop, alice: Member) -> None:
    # rule L9: per order number (O3: each pre-ordered product has its own)
    shop.add_product(preorder("miku-2027"))
    shop.add_product(preorder("rin-2027"))
    placed = checkout(shop, alice, cart(("miku-2027", 1), ("rin-2027", 1))).body["orders"]
    first, second = (order["orderNumber"] for order in placed)

    change_address(shop, alice, first)

    assert (order_of(first).shipping_address.city, order_of(second).shipping_address.city) == ("Berlin", "Paris")


def test_the_billing_address_stays_as_it_was(shop: Shop, alice: Member) -> None:
    # rule L9: the shipping address changes, nothing else
    number = a_preorder(shop, alice)

    change_address(shop, alice, number)

    assert order_of(number).billing_address.city == "Paris"


def test_once_the_shipping_date_is_confirmed_the_change_is_refused_with_the_reason(shop: Shop, alice: Member) -> None:
    # rule L9
    # given
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number, "2027-03-10")

    # when
    answer = change_address(shop, alice, number)

    # then
    assert answer.status == 409
    assert answer.body["code"] == "STATE_CONFLICT"
    assert answer.body["message"].startswith(
        f"The shipping date of order {number} is confirmed (2027-03-10); its shipping address can no longer be changed."
    )
    assert answer.body["currentState"] == "SETTLEMENT_PENDING"
    assert order_of(number).shipping_address.city == "Paris"


def test_a_shipped_order_keeps_its_address(shop: Shop, alice: Member) -> None:
    # rule L9
    number = a_paid_order(shop, alice)
    ship(shop, number)

    answer = change_address(shop, alice, number)

    assert answer.status == 409
    assert answer.body["currentState"] == "SHIPPED"


def test_the_member_is_emailed_the_new_address_and_it_is_in_the_history(shop: Shop, alice: Member) -> None:
    # rule L9, rule M6
    number = a_preorder(shop, alice)
    shop.deliver_outbox()
    shop.clock.advance(timedelta(minutes=5))

    change_address(shop, alice, number)
    shop.deliver_outbox()

    assert subjects_to(shop, alice.email, "Shipping address") == [f"Shipping address changed for order {number}"]
    history = shop.call("GET", f"/orders/{number}", member=alice).body["history"]
    assert [entry["kind"] for entry in history] == ["order_confirmation", "address_changed"]


def test_a_new_address_in_japan_is_refused(shop: Shop, alice: Member) -> None:
    # rule L9, rule O1
    number = a_preorder(shop, alice)

    answer = change_address(shop, alice, number, address_fields("JP"))

    assert answer.status == 422
    assert answer.body["code"] == "ADDRESS_REFUSED"
    assert "We do not ship to Japan" in answer.body["message"]
    assert order_of(number).shipping_address.country == "FR"


def test_a_new_address_where_the_licence_excludes_the_product_is_refused_naming_it(shop: Shop, alice: Member) -> None:
    # rule L9, rule O2
    shop.add_product(preorder("miku-2027", name="Snow Miku", blockedRegions=["DE"]))
    number = a_preorder(shop, alice)

    answer = change_address(shop, alice, number)

    assert answer.status == 422
    assert answer.body["problems"] == [
        {"code": "LICENCE_BLOCKED", "message": "Snow Miku cannot be shipped to DE because of its licence.",
         "productId": "miku-2027"}
    ]  # fmt: skip


def test_an_address_without_a_city_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    incomplete = {k: v for k, v in NEW_ADDRESS.items() if k != "city"}

    answer = change_address(api, alice, AN_ORDER_NUMBER, incomplete)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "city"
    assert api.aws_calls == []


def test_another_members_order_is_not_found_and_keeps_its_address(shop: Shop, alice: Member, bob: Member) -> None:
    # rule L9, rule M6
    number = a_preorder(shop, alice)

    answer = change_address(shop, bob, number)

    assert answer.status == 404
    assert order_of(number).shipping_address.city == "Paris"


def test_an_in_stock_order_changes_the_address_of_all_its_items(shop: Shop, alice: Member) -> None:
    # rule L9, rule O4: in-stock items of a checkout share one order number, so one address
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(in_stock("nendo-2"))
    (placed,) = checkout(shop, alice, cart(("nendo-1", 1), ("nendo-2", 1))).body["orders"]

    change_address(shop, alice, placed["orderNumber"])

    order = order_of(placed["orderNumber"])
    assert (order.shipping_address.city, len(order.lines)) == ("Berlin", 2)


# --- O13 --------------------------------------------------------------------------------------------------


def test_a_member_replaces_the_payment_method_before_the_charge(shop: Shop, alice: Member) -> None:
    # rule O13
    number = a_preorder(shop, alice)

    card = shop.saved_card(alice, MASTERCARD)

    answer = change_payment_method(shop, alice, number, card)

    assert answer.status == 200
    assert answer.body["payment"]["method"] == "****4444"
    assert answer.body["paymentMethod"] == {"brand": "mastercard", "last4": "4444"}
    assert order_of(number).payment_token == card


def test_the_new_payment_method_is_the_one_charged(shop: Shop, alice: Member) -> None:
    # rule O13, rule L1
    number = a_preorder(shop, alice)
    card = shop.saved_card(alice, MASTERCARD)
    change_payment_method(shop, alice, number, card)

    confirm_shipping_date(shop, number)

    assert [request["paymentToken"] for request in settlement_requests(shop)] == [card]


def test_a_method_replaced_while_the_date_is_being_confirmed_is_the_one_charged(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule O13: the worker read the order with the old token; the member replaced it before the charge
    number = a_preorder(shop, alice)
    card = shop.saved_card(alice, MASTERCARD)
    read_order = order_store.get_order

    def member_replaces_it_after_the_read(order_number: str):
        seen = read_order(order_number)
        monkeypatch.setattr(order_store, "get_order", read_order)
        assert change_payment_method(shop, alice, number, card).status == 200
        return seen

    monkeypatch.setattr(order_store, "get_order", member_replaces_it_after_the_read)

    confirm_shipping_date(shop, number)

    assert state_of(number) == "SETTLEMENT_PENDING"
    assert [request["paymentToken"] for request in settlement_requests(shop)] == [card]


def test_the_member_is_emailed_about_the_new_method_by_its_last_digits_only(shop: Shop, alice: Member) -> None:
    # rule O13, rule M6
    number = a_preorder(shop, alice)

    card = shop.saved_card(alice, MASTERCARD)
    change_payment_method(shop, alice, number, card)
    shop.deliver_outbox()

    (email,) = [m for m in shop.emails_to(alice.email) if m.subject.startswith("Payment method")]
    assert email.subject == f"Payment method changed for order {number}"
    assert "ending in <strong>4444</strong>" in email.body  # moto keeps the HTML part
    assert card not in email.body


def test_while_the_charge_is_in_flight_the_method_is_refused_naming_the_state(shop: Shop, alice: Member) -> None:
    # rule O13
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)

    answer = change_payment_method(shop, alice, number)

    assert answer.status == 409
    assert answer.body["currentState"] == "SETTLEMENT_PENDING"
    assert order_of(number).payment_card == PaymentCard(brand="visa", last4="4242")


def test_after_a_failed_payment_the_member_is_sent_to_resettlement(shop: Shop, alice: Member) -> None:
    # rule O13, rule L5
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)

    answer = change_payment_method(shop, alice, number)

    assert answer.status == 409
    assert f"POST /orders/{number}/resettlement" in answer.body["message"]


def test_a_paid_order_has_no_payment_method_to_change(shop: Shop, alice: Member) -> None:
    # rule O13
    number = a_paid_order(shop, alice)

    answer = change_payment_method(shop, alice, number)

    assert answer.status == 409
    assert (
        answer.body["message"]
        == f"Order {number} is PAID; there is nothing left to charge, so no payment method to change."
    )


def test_a_token_that_is_not_one_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    answer = change_payment_method(api, alice, AN_ORDER_NUMBER, "not a token!")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "paymentMethodId"
    assert api.aws_calls == []


def test_another_members_order_keeps_its_payment_method(shop: Shop, alice: Member, bob: Member) -> None:
    # rule O13, rule M6
    number = a_preorder(shop, alice)

    answer = change_payment_method(shop, bob, number)

    assert answer.status == 404
    assert order_of(number).payment_card == PaymentCard(brand="visa", last4="4242")
