"""make demo: the guide's flow, narrated, against the local shop over HTTP.

Signup, sign in, a mixed cart filled on one device and read on another (the order numbers it becomes
and their shipping, before confirming), checked out once, customer support cancelling the in-stock
order at her request, the shipping date confirmed, the payment declined, the email read, the clock
moved a week, the order cancelled; then a second order whose payment fails once, is re-settled in
time, is paid and ships.
"""

from __future__ import annotations

import uuid
from typing import Any

from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from local.stack import LocalStack, PortTaken

PASSWORD = "Figure#2027a"  # noqa: S105 - the demo member's password, printed as part of the walk
ADDRESS = {"name": "Alice Martin", "line1": "12 rue de Rivoli", "city": "Paris", "postalCode": "75001", "country": "FR"}


class Narrator:
    def __init__(self, client: ShopClient, member: str) -> None:
        self.client = client
        self.member = member
        self.step = 0
        self.seen_mail: set[str] = set()

    def say(self, text: str) -> None:
        self.step += 1
        print(f"\n{self.step:>2}. {text}", flush=True)

    def detail(self, text: str) -> None:
        print(f"    {text}", flush=True)

    def new_mail(self) -> list[dict[str, Any]]:
        fresh = [m for m in reversed(self.client.mail(self.member)) if m["id"] not in self.seen_mail]
        for mail in fresh:
            self.seen_mail.add(mail["id"])
            self.detail(f"email to {self.member}: {mail['subject']}")
        return fresh


def expect(reply: Any, status: int, what: str) -> Any:
    if reply.status != status:
        raise SystemExit(f"demo failed at '{what}': expected {status}, got {reply.status} {reply.body}")
    return reply.body


def walk(client: ShopClient) -> None:
    member = f"alice.{uuid.uuid4().hex[:6]}@example.com"
    story = Narrator(client, member)

    story.say(f"Alice signs up as {member} (free membership, terms accepted).")
    body = {
        "email": member,
        "password": PASSWORD,
        "name": "Alice Martin",
        "acceptTerms": True,
        "termsVersion": "2026-04",
    }
    expect(client.call("POST", "/members", body), 201, "signup")
    client.wait_for_mail(member, "Welcome")
    story.new_mail()

    story.say("She signs in; the user pool gives her an ID token for the Authorization header.")
    alice = client.sign_in(member, PASSWORD)
    staff = client.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
    story.detail(f"token {alice[:24]}...")

    story.say('On her phone she presses "Pre-order Now" for a figure and "Add to Cart" for two others.')
    for product_id, quantity in [("miku-winter-2027", 1), ("nendoroid-saber", 2)]:
        body = {"productId": product_id, "quantity": quantity}
        expect(client.call("POST", "/cart/items", body, token=alice), 200, f"add {product_id} to the cart")

    story.say("On her laptop the same cart shows what it will become before she confirms.")
    cart = expect(client.call("GET", "/cart?country=FR", token=alice), 200, "the cart")
    for line in cart["lines"]:
        story.detail(
            f"{line['quantity']} x {line['name']} at ${line['unitPriceCents'] / 100:.2f} ({line['stockState']})"
        )
    story.detail(
        f"{cart['orderCount']} order numbers, shipping ${cart['shippingFeeCents'] / 100:.2f}, "
        f"total ${cart['grandTotalCents'] / 100:.2f}, problems: {len(cart['problems'])}"
    )

    story.say("She proceeds to purchase the cart, confirming once (card tok_declined); the cart is emptied.")
    purchase = {"shippingAddress": ADDRESS, "billingAddress": ADDRESS, "paymentToken": "tok_declined"}
    placed = expect(
        client.call("POST", "/checkout", purchase, token=alice, headers={"Idempotency-Key": str(uuid.uuid4())}),
        201,
        "checkout",
    )
    story.detail(placed["message"])
    for order in placed["orders"]:
        story.detail(f"order {order['orderNumber']} ({order['kind']}): total ${order['totalCents'] / 100:.2f}")
    story.detail(
        f"lines left in the cart: {len(expect(client.call('GET', '/cart', token=alice), 200, 'cart')['lines'])}"
    )
    preorder = next(o["orderNumber"] for o in placed["orders"] if o["kind"] == "PREORDER")
    in_stock = next(o["orderNumber"] for o in placed["orders"] if o["kind"] == "IN_STOCK")
    client.wait_for_mail(member, f"Order confirmation {preorder}")
    story.new_mail()

    support_cancels_at_her_request(client, story, alice, staff, in_stock)

    story.say("Staff confirm the pre-order's shipping date; payment is requested and the card is declined.")
    expect(
        client.call("POST", f"/admin/orders/{preorder}/shipping-date", {"shippingDate": "2027-06-20"}, token=staff),
        202,
        "shipping date",
    )
    failed = client.wait_for_state(preorder, alice, "PAYMENT_FAILED")
    client.wait_for_mail(member, f"Payment failed for order {preorder}")
    story.new_mail()
    story.detail(f"re-settle by {failed['resettlementDeadline']}")

    story.say("Alice reads the email in the mailbox, as she would in her inbox.")
    email = client.wait_for_mail(member, f"Payment failed for order {preorder}")
    story.detail(f"{client.url}/_local/mail/{email['id']}")

    story.say("A week passes without re-settlement; the schedule runs.")
    story.detail(f"shop time now {client.advance_clock('7d')['now']}")
    client.run_schedules()
    client.wait_for_state(preorder, alice, "CANCELLED")
    client.wait_for_mail(member, f"Order {preorder} has been cancelled")
    story.new_mail()

    second_order_is_resettled_and_ships(client, story, alice, staff)


def support_cancels_at_her_request(client: ShopClient, story: Narrator, alice: str, staff: str, number: str) -> None:
    story.say(f"She asks customer support to cancel order {number}: she bought those figures elsewhere.")
    asked = {"kind": "CANCELLATION", "orderNumber": number, "message": "Please cancel it: I found them elsewhere."}
    request_id = expect(client.call("POST", "/support-requests", asked, token=alice), 201, "support request")[
        "requestId"
    ]
    story.detail(f"request {request_id} is open")

    story.say("Staff find it in the open queue, oldest first, and cancel the order through it.")
    queue = expect(client.call("GET", "/admin/support-requests", token=staff), 200, "support queue")["requests"]
    story.detail(f"oldest open requests: {', '.join(r['requestId'] + ' ' + r['kind'] for r in queue[:5])}")
    action = {"reason": "CUSTOMER_REQUEST", "message": "Done: nothing was charged."}
    done = expect(
        client.call("POST", f"/admin/support-requests/{request_id}/cancellation", action, token=staff),
        200,
        "cancellation through support",
    )
    story.detail(f"request {request_id} is {done['state']}: {done['resolution']['action']} {number}")
    client.wait_for_mail(story.member, f"Customer support answered your request {request_id}")
    story.new_mail()


def second_order_is_resettled_and_ships(client: ShopClient, story: Narrator, alice: str, staff: str) -> None:
    member = story.member
    story.say("A second pre-order, paid with a card that fails once (tok_fail_once).")
    cart = {
        "items": [{"productId": "miku-winter-2027", "quantity": 1}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentToken": "tok_fail_once",
    }
    second = expect(
        client.call("POST", "/checkout", cart, token=alice, headers={"Idempotency-Key": str(uuid.uuid4())}),
        201,
        "second checkout",
    )["orders"][0]["orderNumber"]
    expect(
        client.call("POST", f"/admin/orders/{second}/shipping-date", {"shippingDate": "2027-06-20"}, token=staff),
        202,
        "second shipping date",
    )
    client.wait_for_state(second, alice, "PAYMENT_FAILED")
    client.wait_for_mail(member, f"Payment failed for order {second}")
    story.new_mail()

    story.say("Three days later she re-settles in time; the processor takes the payment.")
    client.advance_clock("3d")
    expect(
        client.call("POST", f"/orders/{second}/resettlement", {"paymentToken": "tok_fail_once"}, token=alice),
        202,
        "re-settlement",
    )
    client.wait_for_state(second, alice, "PAID")
    story.detail(f"order {second} is PAID")

    story.say("The warehouse ships it with a tracking number.")
    shipment = {"carrier": "DHL", "trackingNumber": "JD014600006281234567"}
    expect(client.call("POST", f"/admin/orders/{second}/shipment", shipment, token=staff), 200, "shipment")
    client.wait_for_state(second, alice, "SHIPPED")
    client.wait_for_mail(member, f"Order {second} has shipped")
    story.new_mail()

    history = client.order(second, alice)["history"]
    story.say(f"My Account lists every email sent about order {second}:")
    for entry in history:
        story.detail(f"{entry['sentAt']}  {entry['subject']}")
    print(f"\nDone. Read every email at {client.url}/_local/mail?to={member}", flush=True)


def run_demo(api_port: int, aws_port: int) -> int:
    """Walk through the flow on a shop already running at the port, or start one for the walk."""
    client = ShopClient(f"http://127.0.0.1:{api_port}")
    try:
        client.config  # noqa: B018 - is a shop already running there?
    except Exception:
        stack = None
    else:
        print(f"Using the shop running at {client.url}.")
        walk(client)
        return 0
    try:
        stack = LocalStack(api_port=api_port, aws_port=aws_port).start()
    except PortTaken as error:
        print(f"error: {error}")
        return 2
    try:
        walk(ShopClient(stack.url))
    finally:
        stack.stop()
    return 0
