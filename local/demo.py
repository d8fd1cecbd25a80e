"""make demo: the guide's flow, narrated, against the local shop over HTTP.

Staff add two figures, a member signs up, verifies the address from the emailed link and signs
in, a mixed cart filled on one device and read on another (the order numbers it becomes and their
shipping, before confirming), checked out once, customer support cancelling the in-stock order at
her request, the shipping date confirmed, the payment declined, the email read, the clock moved a
week, the order cancelled; then a second order whose payment fails once, is re-settled in time, is
paid and ships.

Each walk brings its own data (a new member, two new products, dates counted from the shop's clock),
so it runs again and again on one shop and leaves whatever else is in the shop alone; only the
clock, which the whole shop shares, moves ten days forward.
"""

from __future__ import annotations

import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from local.client import ShopClient, ShopError, command_for
from local.process import shop_process
from local.seed import STAFF_EMAIL, STAFF_PASSWORD

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
        raise ShopError(f"demo failed at '{what}': expected {status}, got {reply.status} {reply.body}")
    return reply.body


class Figures:
    """This walk's own products, open for pre-orders whatever the shop's clock says."""

    def __init__(self, run: str, shop_now: datetime) -> None:
        self.preorder = f"demo-miku-{run}"
        self.in_stock = f"demo-saber-{run}"
        self.products = [
            {
                "productId": self.preorder,
                "name": f"Hatsune Miku: Winter Live (1/7 scale), demo {run}",
                "kind": "PREORDER",
                "unitPriceCents": 18_900,
                "releaseDate": (shop_now + timedelta(days=180)).strftime("%Y-%m"),
                "reservationLimit": 3,
                "preorderClosesAt": (shop_now + timedelta(days=60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            {
                "productId": self.in_stock,
                "name": f"Nendoroid Saber, demo {run}",
                "kind": "IN_STOCK",
                "unitPriceCents": 5_500,
                "releaseDate": shop_now.strftime("%Y-%m"),
                "reservationLimit": 5,
                "stock": 10,
            },
        ]


def shipping_date(client: ShopClient) -> str:
    """A shipping date three months after the shop's today: never in the past, however far the clock moved."""
    return (datetime.fromisoformat(client.now()) + timedelta(days=90)).date().isoformat()


def walk(client: ShopClient) -> str:
    """The whole story on the shop at client.url; returns the member's email address."""
    run = uuid.uuid4().hex[:8]
    member = f"alice.{run}@example.com"
    story = Narrator(client, member)
    figures = Figures(run, datetime.fromisoformat(client.now()))

    story.say("Staff sign in and add two figures for this walk: a pre-order closing in 60 days, one in stock.")
    staff = client.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
    for product in figures.products:
        expect(client.call("POST", "/admin/products", product, token=staff), 201, "a new product")
        story.detail(f"{product['productId']}: {product['name']}")

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
    story.detail(f"{client.url}/verify-email?token={link['token'][:12]}...  (the storefront's page)")
    expect(client.call("POST", "/members/verification", {"token": link["token"]}), 200, "email verification")

    story.say("She signs in (POST /sessions): an ID token for the Authorization header and a refresh token.")
    alice = client.sign_in(member, PASSWORD)
    story.detail(f"token {alice[:24]}...")

    placed = checks_out_her_cart(client, story, figures, alice)
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
        client.call(
            "POST", f"/admin/orders/{preorder}/shipping-date", {"shippingDate": shipping_date(client)}, token=staff
        ),
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

    second_order_is_resettled_and_ships(client, story, figures, alice, staff)
    return member


def checks_out_her_cart(client: ShopClient, story: Narrator, figures: Figures, alice: str) -> Any:
    """C3: the cart filled on one device, read on another with what it will become, then checked out."""
    story.say('On her phone she presses "Pre-order Now" for a figure and "Add to Cart" for two others.')
    for product_id, quantity in [(figures.preorder, 1), (figures.in_stock, 2)]:
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

    story.say(
        "She saves a card with Stripe (test card 4000 0000 0000 0341: saved, but every charge is declined) and"
        " proceeds to purchase the cart, confirming once; the cart is emptied."
    )
    card = client.save_card(alice, "4000000000000341")
    purchase = {"shippingAddress": ADDRESS, "billingAddress": ADDRESS, "paymentMethodId": card}
    return expect(
        client.call("POST", "/checkout", purchase, token=alice, headers={"Idempotency-Key": str(uuid.uuid4())}),
        201,
        "checkout",
    )


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


def second_order_is_resettled_and_ships(
    client: ShopClient, story: Narrator, figures: Figures, alice: str, staff: str
) -> None:
    member = story.member
    story.say("A second pre-order, with the same declining card: its first charge will fail.")
    declining = client.save_card(alice, "4000000000000341")
    cart = {
        "items": [{"productId": figures.preorder, "quantity": 1}],
        "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "paymentMethodId": declining,
    }
    second = expect(
        client.call("POST", "/checkout", cart, token=alice, headers={"Idempotency-Key": str(uuid.uuid4())}),
        201,
        "second checkout",
    )["orders"][0]["orderNumber"]
    expect(
        client.call(
            "POST", f"/admin/orders/{second}/shipping-date", {"shippingDate": shipping_date(client)}, token=staff
        ),
        202,
        "second shipping date",
    )
    client.wait_for_state(second, alice, "PAYMENT_FAILED")
    client.wait_for_mail(member, f"Payment failed for order {second}")
    story.new_mail()

    story.say(
        "Three days later she re-settles in time with a new card (4242 4242 4242 4242); Stripe takes the payment."
    )
    client.advance_clock("3d")
    good_card = client.save_card(alice, "4242424242424242")
    expect(
        client.call("POST", f"/orders/{second}/resettlement", {"paymentMethodId": good_card}, token=alice),
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


def run_demo(api_port: int, aws_port: int) -> int:
    """Walk through the flow on the shop running at the port, or on one started for the walk."""
    client = ShopClient(f"http://127.0.0.1:{api_port}")
    try:
        client.config  # noqa: B018 - is a shop already running there?
    except ShopError:
        return _walk_on_a_shop_of_its_own(api_port, aws_port)
    cli = command_for(client.url)
    print(
        f"Using the shop running at {client.url}. This walk adds its own member and two products and leaves\n"
        "the rest of the shop as it is, but it moves the shop's clock, which the whole shop shares, 10 days\n"
        f"forward. '{cli} clock reset' puts it back; '{cli} reset' empties the shop.",
        flush=True,
    )
    member = walk(client)
    print(f"\nDone. Read every email at {client.url}/_local/mail?to={member}", flush=True)
    return 0


def _walk_on_a_shop_of_its_own(api_port: int, aws_port: int) -> int:
    log_path = Path(tempfile.gettempdir()) / f"preorder-shop-demo-{api_port}.log"
    print(f"No shop runs at port {api_port}: starting one for the walk (its log: {log_path}).", flush=True)
    with shop_process(api_port, aws_port, log_path) as client:
        walk(client)
    print(
        "\nDone. The shop started for the walk has stopped; to read the emails in the mailbox afterwards, "
        "start the shop with 'make run' and run 'make demo' in a second terminal.",
        flush=True,
    )
    return 0
