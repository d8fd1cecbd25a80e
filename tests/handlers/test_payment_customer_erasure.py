"""A withdrawn member's Stripe customer is deleted (rule M5, P1): it holds their email and saved cards.

The withdrawal asks for it in its first transaction; forget_payment_customer does it behind a queue, against
the local Stripe (tests/support/stripe.py), so the withdrawal never waits for Stripe.
"""

from __future__ import annotations

import pytest

from shop.payments import CUSTOMER_ERASURE_REQUESTED
from shop_aws import cognito
from shop_aws.dynamodb import payment_customers
from tests.handlers.test_support_desk import act, request_of
from tests.support.orders import signed_up
from tests.support.payments import CustomerErasures
from tests.support.shop import Member, Shop, outbox_entries


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


@pytest.fixture
def erasures(shop: Shop) -> CustomerErasures:
    return CustomerErasures(shop)


def customer_of(shop: Shop, member: Member) -> str:
    """The member saves a card (P1), which makes their Stripe customer; its id."""
    shop.saved_card(member)
    customer = payment_customers.payment_customer(member.member_id)
    assert customer is not None
    return customer


def erasure_events(shop: Shop) -> list[dict[str, object]]:
    return [entry for entry in outbox_entries(shop) if entry.get("detailType") == CUSTOMER_ERASURE_REQUESTED]


def test_a_member_who_withdraws_from_my_account_has_their_stripe_customer_deleted(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5, P1
    # given
    customer = customer_of(shop, member)

    # when
    answer = shop.call("DELETE", "/account", member=member)
    failed = erasures.run_all()

    # then
    assert (answer.status, failed) == (200, 0)
    assert not shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) is None


def test_a_member_withdrawn_by_support_has_their_stripe_customer_deleted(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5, S1, P1
    # given
    customer = customer_of(shop, member)
    request_id = request_of(shop, member, "WITHDRAWAL")

    # when
    answer = act(shop, request_id, "withdrawal")
    failed = erasures.run_all()

    # then
    assert (answer.status, answer.body["resolution"]["action"], failed) == (200, "ACCOUNT_WITHDRAWN", 0)
    assert not shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) is None


def test_the_erasure_is_asked_for_in_the_withdrawals_own_transaction_naming_the_member_and_the_customer(
    shop: Shop, member: Member
) -> None:
    # rule M5
    customer = customer_of(shop, member)

    shop.call("DELETE", "/account", member=member)

    (event,) = erasure_events(shop)
    assert event["detail"] == f'{{"customerId": "{customer}", "memberId": "{member.member_id}"}}'


def test_a_member_who_never_saved_a_card_withdraws_with_no_erasure_event(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5: no Stripe customer, no step
    answer = shop.call("DELETE", "/account", member=member)
    failed = erasures.run_all()

    assert (answer.status, failed) == (200, 0)
    assert erasure_events(shop) == []
    assert erasures.queued() == 0


def test_a_withdrawal_is_answered_while_stripe_is_down(shop: Shop, member: Member) -> None:
    # rule M5: the withdrawal's database part does not wait for Stripe
    customer_of(shop, member)
    shop.stripe.outage("error")

    answer = shop.call("DELETE", "/account", member=member)

    assert (answer.status, answer.body["status"]) == (200, "WITHDRAWN")
    assert len(erasure_events(shop)) == 1


def test_while_stripe_is_down_the_erasure_fails_and_waits_in_the_queue_with_nothing_marked_done(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5, P3: an outage is retried, never taken for done
    # given
    customer = customer_of(shop, member)
    shop.call("DELETE", "/account", member=member)
    shop.stripe.outage("error")

    # when
    failed = erasures.run_all()

    # then
    shop.stripe.end_outage()
    assert (failed, erasures.queued()) == (1, 1)
    assert shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) == customer


def test_after_an_outage_the_waiting_erasure_is_done(shop: Shop, member: Member, erasures: CustomerErasures) -> None:
    # rule M5, P3
    # given
    customer = customer_of(shop, member)
    shop.call("DELETE", "/account", member=member)
    shop.stripe.outage("timeout")
    erasures.run_all()
    shop.stripe.end_outage()

    # when
    failed = erasures.run_all()

    # then
    assert (failed, erasures.queued()) == (0, 0)
    assert not shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) is None


def test_an_erasure_delivered_again_after_it_was_done_is_harmless(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5: Stripe's 404 for a customer already deleted means done
    # given
    customer = customer_of(shop, member)
    shop.call("DELETE", "/account", member=member)
    shop.deliver_outbox()
    erasures.deliver_again()

    # when
    failed = erasures.run_all()

    # then
    assert (failed, erasures.queued()) == (0, 0)
    assert not shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) is None


def test_a_withdrawal_interrupted_after_its_first_transaction_still_has_the_stripe_customer_deleted(
    shop: Shop, member: Member, erasures: CustomerErasures, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rule M5: the repeated request asks again while the customer is kept; a second request is harmless
    # given the user pool failed once, after the first transaction
    customer = customer_of(shop, member)
    delete_member = cognito.delete_member

    def fails_once(member_id: str) -> None:
        monkeypatch.setattr(cognito, "delete_member", delete_member)
        raise ConnectionError("the user pool is unreachable")

    monkeypatch.setattr(cognito, "delete_member", fails_once)
    assert shop.call("DELETE", "/account", member=member).status == 500

    # when
    answer = shop.call("DELETE", "/account", member=member)
    failed = erasures.run_all()

    # then
    assert (answer.status, failed) == (200, 0)
    assert len(erasure_events(shop)) == 2
    assert not shop.stripe.has_customer(customer)
    assert payment_customers.payment_customer(member.member_id) is None


def test_a_withdrawal_repeated_after_the_erasure_was_done_asks_for_none(
    shop: Shop, member: Member, erasures: CustomerErasures, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rule M5
    # given the withdrawal stopped before the user pool, and the erasure ran meanwhile
    customer_of(shop, member)
    delete_member = cognito.delete_member

    def fails_once(member_id: str) -> None:
        monkeypatch.setattr(cognito, "delete_member", delete_member)
        raise ConnectionError("the user pool is unreachable")

    monkeypatch.setattr(cognito, "delete_member", fails_once)
    shop.call("DELETE", "/account", member=member)
    erasures.run_all()

    # when
    answer = shop.call("DELETE", "/account", member=member)

    # then
    assert answer.status == 200
    assert len(erasure_events(shop)) == 1


def test_a_card_saved_while_the_withdrawal_was_deciding_makes_it_try_again_with_the_erasure(
    shop: Shop, member: Member, erasures: CustomerErasures, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rule M5: the withdrawal read no customer, and one was made before its transaction
    # given
    read = payment_customers.payment_customer
    made: list[str] = []

    def none_yet_then_one_is_made(member_id: str) -> str | None:
        monkeypatch.setattr(payment_customers, "payment_customer", read)
        made.append(customer_of(shop, member))
        return None

    monkeypatch.setattr(payment_customers, "payment_customer", none_yet_then_one_is_made)
    refused = shop.call("DELETE", "/account", member=member)

    # when
    answer = shop.call("DELETE", "/account", member=member)
    erasures.run_all()

    # then
    assert (refused.status, answer.status) == (409, 200)
    assert not shop.stripe.has_customer(made[0])
    assert payment_customers.payment_customer(member.member_id) is None


def test_a_token_issued_before_the_withdrawal_makes_no_new_stripe_customer(
    shop: Shop, member: Member, erasures: CustomerErasures
) -> None:
    # rule M5, P1: an ID token stays valid up to an hour after the withdrawal
    # given
    customer_of(shop, member)
    shop.call("DELETE", "/account", member=member)
    erasures.run_all()

    # when
    answer = shop.call("POST", "/payments/setup-intents", member=member)

    # then
    assert (answer.status, answer.body["code"]) == (403, "ACCOUNT_WITHDRAWN")
    assert payment_customers.payment_customer(member.member_id) is None
