"""DELETE /account: a member withdraws (rule M5), against the user pool and table from template.yaml."""

from __future__ import annotations

import pytest

from shop.orders import ERASED, WITHDRAWN_MEMBER
from shop_aws.dynamodb import members as member_store
from tests.support.accounts import sign_in
from tests.support.builders import cart, preorder
from tests.support.orders import PASSWORD, STAFF, a_preorder, a_shipped_order, cancel, order_of, signed_up, subjects_to
from tests.support.shop import Api, ApiWithoutAws, Member, Shop, checkout, orders_in_table


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


def withdraw(shop: Api, member: Member):
    return shop.call("DELETE", "/account", member=member)


def a_cancelled_order(shop: Shop, member: Member, key: str) -> str:
    number = a_preorder(shop, member, key=key)
    assert cancel(shop, number).status == 200
    return number


def test_a_member_whose_orders_all_shipped_or_were_cancelled_is_withdrawn(shop: Shop, member: Member) -> None:
    # rule M5
    # given
    shipped = a_shipped_order(shop, member, key="shipped")
    cancelled = a_cancelled_order(shop, member, key="cancelled")

    # when
    answer = withdraw(shop, member)

    # then
    assert answer.status == 200
    assert answer.body["status"] == "WITHDRAWN"
    assert answer.body["ordersKept"] == 2
    assert {o["orderNumber"] for o in orders_in_table(shop)} == {shipped, cancelled}


def test_the_profiles_personal_data_is_erased(shop: Shop, member: Member) -> None:
    # rule M5
    withdraw(shop, member)

    profile = member_store.get_member(member.member_id)
    assert profile is not None
    assert (profile["email"], profile["name"]) == (ERASED, ERASED)
    assert profile["withdrawnAt"] == "2026-12-01T09:00:00.000Z"
    assert "isMinor" not in profile
    assert "yuki" not in str(profile).lower()


def test_orders_are_kept_for_the_accounts_but_no_longer_linked_to_the_person(shop: Shop, member: Member) -> None:
    # rule M5
    # given
    number = a_shipped_order(shop, member)
    before = order_of(number)

    # when
    withdraw(shop, member)

    # then
    kept = order_of(number)
    assert (kept.state.value, kept.lines, kept.total_cents) == ("SHIPPED", before.lines, before.total_cents)
    assert (kept.member_id, kept.email, kept.payment_token) == (WITHDRAWN_MEMBER, ERASED, ERASED)
    assert (kept.shipping_address.name, kept.shipping_address.line1, kept.billing_address.city) == (ERASED,) * 3
    (item,) = orders_in_table(shop)
    assert "GSI1PK" not in item
    assert "Alice" not in str(item)
    assert "yuki@example.com" not in str(item)


def test_the_former_member_finds_no_order_any_more(shop: Shop, member: Member) -> None:
    # rule M5: not linked to a person
    number = a_shipped_order(shop, member)

    withdraw(shop, member)

    assert shop.call("GET", "/orders", member=member).body["orders"] == []
    assert shop.call("GET", f"/orders/{number}", member=member).status == 404


def test_sign_in_is_disabled(shop: Shop, member: Member) -> None:
    # rule M5
    assert sign_in(shop, member.email, PASSWORD).status == 201

    withdraw(shop, member)

    refused = sign_in(shop, member.email, PASSWORD)
    assert (refused.status, refused.body["code"]) == (401, "INVALID_CREDENTIALS")


def test_a_final_email_goes_to_the_registered_address(shop: Shop, member: Member) -> None:
    # rule M5, rule M6
    shop.deliver_outbox()

    withdraw(shop, member)
    shop.deliver_outbox()

    assert subjects_to(shop, member.email)[-1] == "Your Preorder Figure Shop account has been deleted"
    assert "Dear Yuki Tanaka" in shop.emails_to(member.email)[-1].body


def test_withdrawal_is_refused_listing_every_unshipped_order(shop: Shop, member: Member) -> None:
    # rule M5
    # given two orders waiting and one shipped
    waiting = sorted([a_preorder(shop, member, key="w1"), a_preorder(shop, member, key="w2")])
    a_shipped_order(shop, member, key="shipped")

    # when
    answer = withdraw(shop, member)

    # then
    assert answer.status == 409
    assert answer.body["code"] == "UNSHIPPED_ORDERS"
    assert answer.body["unshippedOrderNumbers"] == waiting
    assert answer.body["message"].startswith(
        f"Your account cannot be deleted while orders are unshipped: {waiting[0]}, {waiting[1]}."
    )


def test_a_refused_withdrawal_changes_nothing(shop: Shop, member: Member) -> None:
    # rule M5
    number = a_preorder(shop, member)

    withdraw(shop, member)
    shop.deliver_outbox()

    assert member_store.get_member(member.member_id)["email"] == member.email
    assert order_of(number).member_id == member.member_id
    assert sign_in(shop, member.email, PASSWORD).status == 201
    assert subjects_to(shop, member.email, "Your Preorder") == []


def test_a_token_issued_before_the_withdrawal_places_no_order(shop: Shop, member: Member) -> None:
    # rule M5: an ID token stays valid up to an hour after the sign-in is deleted
    shop.add_product(preorder("miku-2027"))
    shop.card_of(member)  # saved before: a withdrawn member saves no card (P1)
    withdraw(shop, member)

    answer = checkout(shop, member, cart(("miku-2027", 1)), key="after-withdrawal")

    assert answer.status == 403
    assert answer.body["code"] == "ACCOUNT_WITHDRAWN"
    assert orders_in_table(shop) == []


def test_the_address_may_sign_up_again_as_a_new_member(shop: Shop, member: Member) -> None:
    # rule M5, rule M3: the erased profile no longer holds the address
    withdraw(shop, member)

    again = signed_up(shop, member.email)

    assert again.member_id != member.member_id


def test_many_orders_are_erased_over_several_transactions(shop: Shop, member: Member, monkeypatch) -> None:
    # rule M5: a member with more orders than one transaction holds
    monkeypatch.setattr(member_store, "TRANSACTION_LIMIT", 4)
    shop.add_product(preorder("miku-2027", reservationLimit=3))
    numbers = [a_cancelled_order(shop, member, key=f"c{index}") for index in range(6)]

    answer = withdraw(shop, member)

    assert answer.body["ordersKept"] == 6
    assert {order_of(number).member_id for number in numbers} == {WITHDRAWN_MEMBER}


def test_a_withdrawal_interrupted_after_its_first_transaction_is_finished_by_asking_again(
    shop: Shop, member: Member, monkeypatch
) -> None:
    # rule M5: nothing half-done stays so, and the final email is sent once
    # given the first transaction holds one order and the rest failed to write
    monkeypatch.setattr(member_store, "TRANSACTION_LIMIT", 4)
    numbers = [a_cancelled_order(shop, member, key=f"c{index}") for index in range(3)]
    erase_orders = member_store.erase_orders

    def fails_once(*args, **kwargs):
        monkeypatch.setattr(member_store, "erase_orders", erase_orders)
        raise ConnectionError("DynamoDB unreachable")

    monkeypatch.setattr(member_store, "erase_orders", fails_once)
    assert withdraw(shop, member).status == 500

    # when
    answer = withdraw(shop, member)
    shop.deliver_outbox()

    # then
    assert answer.status == 200
    assert {order_of(number).member_id for number in numbers} == {WITHDRAWN_MEMBER}
    assert subjects_to(shop, member.email, "Your Preorder") == ["Your Preorder Figure Shop account has been deleted"]
    assert sign_in(shop, member.email, PASSWORD).status == 401


def test_staff_accounts_are_not_closed_from_my_account(api: ApiWithoutAws) -> None:
    # rule M5 (decision: staff accounts are closed by an administrator)
    answer = withdraw(api, STAFF)

    assert answer.status == 403
    assert answer.body["message"] == "Staff accounts are closed by an administrator, not from My Account."
    assert api.aws_calls == []


def test_a_sign_in_without_a_profile_is_a_404(shop: Shop, alice: Member) -> None:
    answer = withdraw(shop, alice)

    assert (answer.status, answer.body["message"]) == (404, "There is no account for this sign-in.")
