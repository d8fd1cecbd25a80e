"""The guide's flow over HTTP, asserted at every step (`make demo` narrates it: test_repeatable_shop.py)."""

from __future__ import annotations

import uuid

from local.client import ShopClient
from tests.e2e.support import ADDRESS, PASSWORD, new_member
from tests.support.stripe import DECLINED_AT_CHARGE


def test_a_declined_preorder_is_cancelled_a_week_later_and_every_step_is_emailed(
    local_shop: ShopClient, staff_token: str
) -> None:
    # rule M2-M4: signup, then sign in
    email = f"flow.{uuid.uuid4().hex[:8]}@example.com"
    signed_up = local_shop.call(
        "POST",
        "/members",
        {"email": email, "password": PASSWORD, "name": "Flow Tester", "acceptTerms": True, "termsVersion": "1"},
    )
    assert signed_up.status == 201
    welcome = local_shop.wait_for_mail(email, "Welcome to Preorder Figure Shop")
    assert "Dear Flow Tester" in welcome["html"]
    # rule M7: the address verified from the emailed link before the first checkout
    link = local_shop.link_in_mail(email, "verify-email")
    assert local_shop.call("POST", "/members/verification", {"token": link["token"]}).status == 200
    token = local_shop.sign_in(email, PASSWORD)

    # rule O3, O4, O5, O9: a mixed cart, one pre-order number and one in-stock number, $18 each
    cart = {
        "items": [{"productId": "miku-winter-2027", "quantity": 1}, {"productId": "nendoroid-saber", "quantity": 2}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentMethodId": local_shop.save_card(token, DECLINED_AT_CHARGE),
    }
    placed = local_shop.call("POST", "/checkout", cart, token=token, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert placed.status == 201
    assert placed.body["message"] == "Your order has been processed successfully. Thank you for staying with us."
    assert sorted(order["kind"] for order in placed.body["orders"]) == ["IN_STOCK", "PREORDER"]
    assert {order["shippingFeeCents"] for order in placed.body["orders"]} == {1800}
    preorder = next(o["orderNumber"] for o in placed.body["orders"] if o["kind"] == "PREORDER")

    # rule O10: one confirmation per order number
    confirmation = local_shop.wait_for_mail(email, f"Order confirmation {preorder}")
    assert "$207.00" in confirmation["html"]  # 189.00 + 18.00 shipping
    assert local_shop.order(preorder, token)["state"] == "RESERVED"

    # rule L1, L4, P2: the shipping date is confirmed, Stripe declines the card, the member is told why and the deadline
    confirmed = local_shop.call(
        "POST", f"/admin/orders/{preorder}/shipping-date", {"shippingDate": "2027-06-20"}, token=staff_token
    )
    assert confirmed.status == 202
    failed = local_shop.wait_for_state(preorder, token, "PAYMENT_FAILED")
    dated = local_shop.wait_for_mail(email, f"Shipping date confirmed for order {preorder}")
    assert "2027-06-20" in dated["html"]
    declined = local_shop.wait_for_mail(email, f"Payment failed for order {preorder}")
    assert "UTC" in declined["html"]
    assert "your bank declined the card" in declined["html"]
    assert failed["resettlementDeadline"][:10] in declined["subject"]

    # rule L6: a week later the schedule cancels it and tells the member
    local_shop.advance_clock("7d")
    local_shop.run_schedules()
    cancelled = local_shop.wait_for_state(preorder, token, "CANCELLED")
    assert cancelled["state"] == "CANCELLED"
    local_shop.wait_for_mail(email, f"Order {preorder} has been cancelled")

    # rule M6: My Account lists every email sent about the order
    subjects = [entry["subject"] for entry in local_shop.order(preorder, token)["history"]]
    assert subjects == [
        f"Order confirmation {preorder}",
        f"Shipping date confirmed for order {preorder}",
        declined["subject"],
        f"Order {preorder} has been cancelled",
    ]


def test_an_order_resettled_in_time_is_paid_and_ships(local_shop: ShopClient, staff_token: str) -> None:
    # rule L5, L3, L7
    email, token = new_member(local_shop, "resettler")
    cart = {
        "items": [{"productId": "miku-winter-2027", "quantity": 1}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentMethodId": local_shop.save_card(token, DECLINED_AT_CHARGE),
    }
    placed = local_shop.call("POST", "/checkout", cart, token=token, headers={"Idempotency-Key": uuid.uuid4().hex})
    number = placed.body["orders"][0]["orderNumber"]
    local_shop.call("POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2027-06-20"}, token=staff_token)
    local_shop.wait_for_state(number, token, "PAYMENT_FAILED")

    local_shop.advance_clock("3d")
    resettled = local_shop.call(
        "POST", f"/orders/{number}/resettlement", {"paymentMethodId": local_shop.save_card(token)}, token=token
    )

    assert resettled.status == 202
    local_shop.wait_for_state(number, token, "PAID")
    shipped = local_shop.call(
        "POST",
        f"/admin/orders/{number}/shipment",
        {"carrier": "DHL", "trackingNumber": "JD014600006281234567"},
        token=staff_token,
    )
    assert shipped.status == 200
    local_shop.wait_for_state(number, token, "SHIPPED")
    announcement = local_shop.wait_for_mail(email, f"Order {number} has shipped")
    assert "JD014600006281234567" in announcement["html"]
