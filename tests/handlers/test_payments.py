"""Payment outcomes arriving from the payment processor on the shop's bus (rules L3, L4)."""

from __future__ import annotations

from datetime import timedelta

from shop_aws.dynamodb import orders as order_store
from tests.support.builders import preorder
from tests.support.shop import Member, Shop, confirm_shipping_date, place_preorder, state_of


def pending_settlement(shop: Shop, member: Member) -> str:
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, member)
    confirm_shipping_date(shop, number)
    return number


def succeeded(shop: Shop, number: str, attempt: int = 1) -> dict:
    event = shop.payment_event("PaymentSucceeded", {"orderNumber": number, "settlementId": f"{number}#{attempt}"})
    return shop.invoke("PaymentSucceededFunction", event)


def failed(shop: Shop, number: str, attempt: int = 1) -> dict:
    detail = {"orderNumber": number, "settlementId": f"{number}#{attempt}", "reason": "card_declined"}
    return shop.invoke("PaymentFailedFunction", shop.payment_event("PaymentFailed", detail))


def test_a_successful_payment_makes_the_order_paid(shop: Shop, alice: Member) -> None:
    # rule L3
    number = pending_settlement(shop, alice)

    outcome = succeeded(shop, number)

    assert outcome == {"applied": True}
    assert state_of(number) == "PAID"


def test_a_failed_payment_sets_a_deadline_one_week_later(shop: Shop, alice: Member) -> None:
    # rule L4
    number = pending_settlement(shop, alice)

    failed(shop, number)

    order = order_store.get_order(number)
    assert order is not None
    assert order.state.value == "PAYMENT_FAILED"
    assert order.resettlement_deadline == shop.now() + timedelta(days=7)


def test_the_member_is_emailed_the_deadline_in_utc(shop: Shop, alice: Member) -> None:
    # rule L4
    number = pending_settlement(shop, alice)
    shop.deliver_outbox()

    failed(shop, number)
    shop.deliver_outbox()

    last = shop.emails_to(alice.email)[-1]
    assert last.subject == f"Payment failed for order {number}: please re-settle by 2026-12-08 09:00 UTC"
    assert "2026-12-08 09:00 UTC" in last.body


def test_a_duplicated_failure_is_applied_once_and_emails_once(shop: Shop, alice: Member) -> None:
    # rule L3
    number = pending_settlement(shop, alice)
    failed(shop, number)

    again = failed(shop, number)
    shop.deliver_outbox()

    assert again == {"applied": False}
    failures = [m for m in shop.emails_to(alice.email) if m.subject.startswith("Payment failed")]
    assert len(failures) == 1


def test_a_late_failure_after_success_leaves_the_order_paid(shop: Shop, alice: Member) -> None:
    # rule L3
    number = pending_settlement(shop, alice)
    succeeded(shop, number)

    late = failed(shop, number)

    assert late == {"applied": False}
    assert state_of(number) == "PAID"


def test_a_duplicated_success_is_applied_once(shop: Shop, alice: Member) -> None:
    # rule L3
    number = pending_settlement(shop, alice)
    succeeded(shop, number)

    assert succeeded(shop, number) == {"applied": False}
    assert state_of(number) == "PAID"


def test_a_failure_of_an_earlier_attempt_does_not_fail_the_retry(shop: Shop, alice: Member) -> None:
    # rule L3: the first attempt failed, the member re-settled, then the first failure is reported again
    number = pending_settlement(shop, alice)
    failed(shop, number, attempt=1)
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(alice)}, member=alice)

    stale = failed(shop, number, attempt=1)

    assert stale == {"applied": False}
    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_success_after_a_failure_of_the_same_order_makes_it_paid(shop: Shop, alice: Member) -> None:
    # rule L3: money taken is the truth
    number = pending_settlement(shop, alice)
    failed(shop, number)

    succeeded(shop, number)

    order = order_store.get_order(number)
    assert order is not None
    assert order.state.value == "PAID"
    assert order.resettlement_deadline is None


def test_an_outcome_for_an_unknown_order_changes_nothing(shop: Shop) -> None:
    assert succeeded(shop, "0000-0000-0000-0000") == {"applied": False}
    assert failed(shop, "0000-0000-0000-0000") == {"applied": False}


def test_an_outcome_for_an_order_not_yet_charged_is_ignored(shop: Shop, alice: Member) -> None:
    # rule L3: no settlement was requested yet
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)

    assert succeeded(shop, number, attempt=0) == {"applied": False}
    assert state_of(number) == "RESERVED"


def test_a_second_payment_for_a_paid_order_is_reported_for_support(shop: Shop, alice: Member, capsys) -> None:
    # rule L3: the retry was paid, then the first attempt's late success arrives: money taken twice
    number = pending_settlement(shop, alice)
    failed(shop, number, attempt=1)
    shop.call("POST", f"/orders/{number}/resettlement", {"paymentMethodId": shop.saved_card(alice)}, member=alice)
    succeeded(shop, number, attempt=2)
    capsys.readouterr()

    late = succeeded(shop, number, attempt=1)

    assert late == {"applied": False}
    assert '"SecondPaymentForPaidOrder"' in capsys.readouterr().out


def test_the_failure_reason_is_recorded_on_the_order(shop: Shop, alice: Member) -> None:
    # rule L4
    number = pending_settlement(shop, alice)

    failed(shop, number)

    stored = shop.session.client("dynamodb").get_item(
        TableName=shop.stack.ref("ShopTable"), Key={"PK": {"S": f"ORDER#{number}"}, "SK": {"S": "ORDER"}}
    )["Item"]
    assert stored["paymentFailureReason"]["S"] == "card_declined"
