"""make demo: the guide's flow, narrated, against the local shop over HTTP.

Signup, the emailed link that verifies the address, sign in, a mixed cart, the shipping date confirmed,
the payment declined, the email read, the clock moved a week, the order cancelled; then a second order
whose payment fails once, is re-settled in time, is paid and ships.
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
    client.wait_for_mail(member, "Confirm your email address")
    story.new_mail()

    story.say("She opens the link in the second email: her address is verified, so she may check out (M7).")
    link = client.link_in_mail(member, "verify-email")
    story.detail(f"{client.url}/_local/verify-email?token={link['token'][:12]}...")
    expect(client.call("POST", "/members/verification", {"token": link["token"]}), 200, "email verification")

    story.say("She signs in (POST /sessions): an ID token for the Authorization header and a refresh token.")
    alice = client.sign_in(member, PASSWORD)
    staff = client.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
    story.detail(f"token {alice[:24]}...")

    story.say("Her cart mixes a pre-order and two in-stock figures; she confirms once (card tok_declined).")
    cart = {
        "items": [{"productId": "miku-winter-2027", "quantity": 1}, {"productId": "nendoroid-saber", "quantity": 2}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentToken": "tok_declined",
    }
    placed = expect(
        client.call("POST", "/checkout", cart, token=alice, headers={"Idempotency-Key": str(uuid.uuid4())}),
        201,
        "checkout",
    )
    story.detail(placed["message"])
    for order in placed["orders"]:
        story.detail(f"order {order['orderNumber']} ({order['kind']}): total ${order['totalCents'] / 100:.2f}")
    preorder = next(o["orderNumber"] for o in placed["orders"] if o["kind"] == "PREORDER")
    client.wait_for_mail(member, f"Order confirmation {preorder}")
    story.new_mail()

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
