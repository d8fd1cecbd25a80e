"""The support desk over HTTP, against the local stack (rule S1): the member asks, staff act, the member is told."""

from __future__ import annotations

import uuid

from local.client import ShopClient
from tests.e2e.support import cart, new_member, new_product

CLOSES = "2030-01-01T00:00:00Z"


def test_staff_cancel_an_order_through_the_members_request_which_closes_and_emails_them(
    local_shop: ShopClient, staff_token: str
) -> None:
    # rule S1, rule L8
    # given a member's pre-order, and their request to cancel it
    email, token = new_member(local_shop, "asker")
    product = new_product(local_shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt=CLOSES)
    placed = local_shop.call(
        "POST",
        "/checkout",
        cart((product["productId"], 1), card=local_shop.save_card(token)),
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    number = placed.body["orders"][0]["orderNumber"]
    asked = local_shop.call(
        "POST",
        "/support-requests",
        {"kind": "CANCELLATION", "orderNumber": number, "message": "I ordered this one twice, please cancel it."},
        token=token,
    )
    assert asked.status == 201, asked
    request_id = asked.body["requestId"]

    # when staff find it in the open queue and cancel the order through it
    queued = local_shop.call("GET", "/admin/support-requests?kind=CANCELLATION", token=staff_token)
    assert request_id in [request["requestId"] for request in queued.body["requests"]]
    done = local_shop.call(
        "POST",
        f"/admin/support-requests/{request_id}/cancellation",
        {"reason": "DUPLICATE_ORDER", "message": "Done: nothing was charged."},
        token=staff_token,
    )

    # then the order is cancelled, the member is emailed, and the request is closed, linked to the order
    assert done.status == 200, done
    assert local_shop.order(number, token)["state"] == "CANCELLED"
    local_shop.wait_for_mail(email, f"Order {number} has been cancelled")
    answer = local_shop.wait_for_mail(email, f"Customer support answered your request {request_id}")
    assert "Done: nothing was charged." in answer["html"]
    mine = local_shop.call("GET", f"/support-requests/{request_id}", token=token).body
    assert (mine["state"], mine["resolution"]["action"], mine["resolution"]["orderNumber"]) == (
        "CLOSED",
        "ORDER_CANCELLED",
        number,
    )
    assert [r["requestId"] for r in local_shop.order(number, token)["supportRequests"]] == [request_id]
    still_open = local_shop.call("GET", "/admin/support-requests", token=staff_token).body["requests"]
    assert request_id not in [request["requestId"] for request in still_open]


def test_a_paid_order_is_not_cancelled_and_the_member_reads_why(local_shop: ShopClient, staff_token: str) -> None:
    # rule S1, rule L8
    email, token = new_member(local_shop, "latecomer")
    product = new_product(local_shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt=CLOSES)
    placed = local_shop.call(
        "POST",
        "/checkout",
        cart((product["productId"], 1), card=local_shop.save_card(token)),
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    number = placed.body["orders"][0]["orderNumber"]
    local_shop.call("POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2030-06-01"}, token=staff_token)
    local_shop.wait_for_state(number, token, "PAID")
    request_id = local_shop.call(
        "POST", "/support-requests", {"kind": "CANCELLATION", "orderNumber": number, "message": "Cancel?"}, token=token
    ).body["requestId"]

    answered = local_shop.call("POST", f"/admin/support-requests/{request_id}/cancellation", {}, token=staff_token)

    assert answered.body["state"] == "ANSWERED"
    assert local_shop.order(number, token)["state"] == "PAID"
    told = local_shop.wait_for_mail(email, f"Customer support answered your request {request_id}")
    assert f"Order {number} is PAID and cannot be cancelled" in told["html"]
