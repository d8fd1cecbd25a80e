"""Orders in the states the after-the-order tests start from, reached the way the shop gets there."""

from __future__ import annotations

from typing import Any

from shop.orders import Order
from shop_aws.dynamodb import orders as order_store
from shop_aws.dynamodb import products as product_store
from tests.support.accounts import verify_email
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import Answer, Api, Member, Shop, checkout, confirm_shipping_date, place_preorder

STAFF = Member(member_id="5d9c0e77-staff", email="staff@preorder-shop.example", staff=True)
PASSWORD = "Figure#2027a"


def order_of(number: str) -> Order:
    order = order_store.get_order(number)
    assert order is not None, f"no order {number}"
    return order


def a_preorder(shop: Shop, member: Member, product_id: str = "miku-2027", key: str | None = None) -> str:
    """A RESERVED pre-order of the product (created if the shop does not have it yet)."""
    if product_store.get_product(product_id) is None:
        shop.add_product(preorder(product_id))
    return place_preorder(shop, member, product_id, key=key)


def an_in_stock_order(shop: Shop, member: Member, *lines: tuple[str, int], key: str = "in-stock") -> str:
    for product_id, _ in lines:
        if product_store.get_product(product_id) is None:
            shop.add_product(in_stock(product_id, stock=10))
    answer = checkout(shop, member, cart(*lines), key=key)
    assert answer.status == 201, answer
    (order,) = [o for o in answer.body["orders"] if o["kind"] == "IN_STOCK"]
    return str(order["orderNumber"])


def payment_succeeds(shop: Shop, number: str) -> None:
    attempt = order_of(number).settlement_attempt
    detail = {"orderNumber": number, "settlementId": f"{number}#{attempt}"}
    assert shop.invoke("PaymentSucceededFunction", shop.payment_event("PaymentSucceeded", detail))["applied"]


def payment_fails(shop: Shop, number: str) -> None:
    attempt = order_of(number).settlement_attempt
    detail = {"orderNumber": number, "settlementId": f"{number}#{attempt}", "reason": "card_declined"}
    assert shop.invoke("PaymentFailedFunction", shop.payment_event("PaymentFailed", detail))["applied"]


def a_paid_order(shop: Shop, member: Member, product_id: str = "miku-2027", key: str | None = None) -> str:
    number = a_preorder(shop, member, product_id, key=key)
    confirm_shipping_date(shop, number)
    payment_succeeds(shop, number)
    return number


def ship(shop: Api, number: str, carrier: str = "DHL", tracking: str = "JD014600003828") -> Answer:
    body = {"carrier": carrier, "trackingNumber": tracking}
    return shop.call("POST", f"/admin/orders/{number}/shipment", body, member=STAFF)


def a_shipped_order(shop: Shop, member: Member, product_id: str = "miku-2027", key: str | None = None) -> str:
    number = a_paid_order(shop, member, product_id, key=key)
    answer = ship(shop, number)
    assert answer.status == 200, answer
    return number


def cancel(shop: Api, number: str, reason: str = "CUSTOMER_REQUEST", **extra: Any) -> Answer:
    return shop.call("POST", f"/admin/orders/{number}/cancellation", {"reason": reason, **extra}, member=STAFF)


def signed_up(shop: Shop, email: str, name: str = "Alice Martin") -> Member:
    """A member who signed up through POST /members (a sign-in in the user pool and a profile) and verified
    the address from the link emailed to it (M7), as they must before checking out."""
    body = {"email": email, "password": PASSWORD, "name": name, "acceptTerms": True, "termsVersion": "2026-04"}
    answer = shop.call("POST", "/members", body)
    assert answer.status == 201, answer
    verified = verify_email(shop, str(answer.body["email"]))
    assert verified.status == 200, verified
    return Member(member_id=str(answer.body["memberId"]), email=str(answer.body["email"]))


def subjects_to(shop: Shop, address: str, starting: str = "") -> list[str]:
    return [m.subject for m in shop.emails_to(address) if m.subject.startswith(starting)]
