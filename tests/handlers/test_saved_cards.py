"""Cards saved with Stripe (rules P1, O13): one Stripe customer per member, and only the member's own
saved card, usable off-session, is accepted at checkout, re-settlement and payment-method change."""

from __future__ import annotations

from tests.support.builders import cart, preorder
from tests.support.orders import a_preorder, order_of, payment_fails
from tests.support.shop import Member, Shop, checkout, confirm_shipping_date, orders_in_table


def setup_intent(shop: Shop, member: Member) -> dict:
    answer = shop.call("POST", "/payments/setup-intents", member=member)
    assert answer.status == 201, answer
    return answer.body


def test_a_member_gets_what_stripe_js_needs_to_save_a_card(shop: Shop, alice: Member) -> None:
    # rule P1
    body = setup_intent(shop, alice)

    assert body["clientSecret"].startswith("seti_")
    assert "_secret_" in body["clientSecret"]
    assert body["publishableKey"] == "pk_test_local_shop"
    assert body["customerId"].startswith("cus_")


def test_the_stripe_customer_of_a_member_is_made_once(shop: Shop, alice: Member) -> None:
    # rule P1
    first = setup_intent(shop, alice)

    second = setup_intent(shop, alice)

    assert first["customerId"] == second["customerId"]
    assert first["clientSecret"] != second["clientSecret"]


def test_two_members_have_two_customers(shop: Shop, alice: Member, bob: Member) -> None:
    # rule P1
    assert setup_intent(shop, alice)["customerId"] != setup_intent(shop, bob)["customerId"]


def test_checkout_with_another_members_card_is_refused_and_orders_nothing(
    shop: Shop, alice: Member, bob: Member
) -> None:
    # rule P1
    shop.add_product(preorder("miku-2027"))
    setup_intent(shop, alice)
    bobs_card = shop.saved_card(bob)

    answer = checkout(shop, alice, cart(("miku-2027", 1), token=bobs_card))

    assert (answer.status, answer.body["code"], answer.body["field"]) == (
        422,
        "PAYMENT_METHOD_REFUSED",
        "paymentMethodId",
    )
    assert orders_in_table(shop) == []


def test_checkout_with_a_detached_card_is_refused(shop: Shop, alice: Member) -> None:
    # rule P1
    shop.add_product(preorder("miku-2027"))
    card = shop.saved_card(alice)
    shop.stripe.detach(card)

    answer = checkout(shop, alice, cart(("miku-2027", 1), token=card))

    assert (answer.status, answer.body["code"]) == (422, "PAYMENT_METHOD_REFUSED")


def test_checkout_before_saving_any_card_is_refused_with_what_to_do(shop: Shop, alice: Member) -> None:
    # rule P1
    shop.add_product(preorder("miku-2027"))

    answer = checkout(shop, alice, cart(("miku-2027", 1), token="pm_1QdF7hK2xLw9VbT3sNc8Rz4E"))

    assert answer.status == 422
    assert "POST /payments/setup-intents" in answer.body["message"]


def test_a_card_refused_by_the_bank_when_saved_never_reaches_the_shop(shop: Shop, alice: Member) -> None:
    # rule P1: Stripe declines 4000000000000002 at setup (https://docs.stripe.com/testing#declined-payments)
    body = setup_intent(shop, alice)

    confirmed = shop.stripe.confirm_setup(body["clientSecret"], "4000000000000002")

    assert (confirmed.status_code, confirmed.json()["error"]["code"]) == (402, "card_declined")


def test_checkout_while_stripe_is_down_is_a_503_to_retry_and_orders_nothing(shop: Shop, alice: Member) -> None:
    # rule P3
    shop.add_product(preorder("miku-2027"))
    card = shop.saved_card(alice)
    shop.stripe.outage("error")

    answer = checkout(shop, alice, cart(("miku-2027", 1), token=card))

    assert (answer.status, answer.body["code"]) == (503, "PAYMENT_PROCESSOR_UNAVAILABLE")
    assert orders_in_table(shop) == []


def test_the_order_keeps_the_cards_brand_and_last_four_digits_only(shop: Shop, alice: Member) -> None:
    # rule O13, P1
    number = a_preorder(shop, alice)

    order = order_of(number)

    assert order.payment_token.startswith("pm_")
    assert order.payment_card is not None
    assert (order.payment_card.brand, order.payment_card.last4) == ("visa", "4242")


def test_a_payment_method_change_to_another_members_card_is_refused(shop: Shop, alice: Member, bob: Member) -> None:
    # rule O13, P1
    number = a_preorder(shop, alice)
    before = order_of(number).payment_token

    answer = shop.call(
        "PUT", f"/orders/{number}/payment-method", {"paymentMethodId": shop.saved_card(bob)}, member=alice
    )

    assert (answer.status, answer.body["code"]) == (422, "PAYMENT_METHOD_REFUSED")
    assert order_of(number).payment_token == before


def test_a_resettlement_with_another_members_card_is_refused_and_the_payment_stays_failed(
    shop: Shop, alice: Member, bob: Member
) -> None:
    # rule L5, P1
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)

    answer = shop.call(
        "POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(bob)}, member=alice
    )

    assert (answer.status, answer.body["code"]) == (422, "PAYMENT_METHOD_REFUSED")
    assert order_of(number).state.value == "PAYMENT_FAILED"
