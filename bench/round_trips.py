"""AWS calls per request, counted on the functions' session, for the requests a member waits on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.harness import STAFF, BenchShop, CallCounter, Caller, Tally, quiet_stdout
from local.provision import ACCOUNT, REGION
from shop.catalogue import Product, ProductKind
from shop_aws.dynamodb.products import create_product

CART_SIZES = (1, 5, 20)
CHECKOUT_SYNC_CALLS_GOAL = 4
ALICE = Caller("0b1c6b52-alice", "alice@example.com")


@dataclass(frozen=True)
class Request:
    name: str
    tally: Tally


@dataclass(frozen=True)
class RoundTrips:
    requests: list[Request]

    def checkout(self, products: int) -> Tally:
        return next(r.tally for r in self.requests if r.name == checkout_name(products))

    @property
    def checkout_holds(self) -> bool:
        totals = {self.checkout(size).total for size in CART_SIZES}
        return len(totals) == 1 and totals.pop() <= CHECKOUT_SYNC_CALLS_GOAL


def checkout_name(products: int) -> str:
    return f"checkout, {products} product" + ("s" if products > 1 else "")


def product(index: int) -> Product:
    """Half pre-orders (one order number each), half in stock (one order number for all of them)."""
    values: dict[str, Any] = {
        "productId": f"figure-{index:02d}",
        "name": f"Figure {index:02d}",
        "unitPriceCents": 12_000,
        "reservationLimit": 5,
    }
    if index % 2:
        values |= {
            "kind": ProductKind.PREORDER,
            "releaseDate": "2027-03",
            "preorderClosesAt": datetime(2027, 1, 31, tzinfo=UTC),
        }
    else:
        values |= {"kind": ProductKind.IN_STOCK, "releaseDate": "2026-10-01", "stock": 1_000_000}
    return Product.model_validate(values)


def address() -> dict[str, str]:
    return {
        "name": "Alice Martin",
        "line1": "12 rue de Rivoli",
        "city": "Paris",
        "postalCode": "75001",
        "country": "FR",
    }


def cart(product_ids: list[str], card: str) -> dict[str, Any]:
    """A checkout paid with `card`, a PaymentMethod the member saved (BenchShop.saved_card)."""
    return {
        "items": [{"productId": product_id, "quantity": 1} for product_id in product_ids],
        "shippingAddress": address(),
        "billingAddress": address(),
        "paymentMethodId": card,
    }


def measure(counter: CallCounter) -> RoundTrips:
    requests: list[Request] = []
    with BenchShop(counter) as shop, quiet_stdout():
        products = [product(index) for index in range(1, max(CART_SIZES) + 1)]
        for item in products:
            create_product(item)

        def measured(name: str, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
            with counter.tally() as tally:
                status, answer = shop.call(method, path, body, **kwargs)
            if status >= 300:
                raise RuntimeError(f"{name}: {status} {answer}")
            requests.append(Request(name, tally))
            return answer

        measured(
            "signup",
            "POST",
            "/members",
            {
                "email": "bob@example.com",
                "password": "Figure#2027a",
                "name": "Bob Martin",
                "acceptTerms": True,
                "termsVersion": "2026-04",
            },
        )
        measured("start saving a card (POST /payments/setup-intents)", "POST", "/payments/setup-intents", caller=ALICE)
        card = shop.saved_card(ALICE)
        first = None
        for size in CART_SIZES:
            answer = measured(
                checkout_name(size),
                "POST",
                "/checkout",
                cart([p.product_id for p in products[:size]], card),
                caller=ALICE,
                headers={"Idempotency-Key": f"cart-of-{size}"},
            )
            first = first or answer["orders"][0]["orderNumber"]
        measured("order history (GET /orders)", "GET", "/orders", caller=ALICE)
        measured("one order and its emails (GET /orders/{n})", "GET", f"/orders/{first}", caller=ALICE)

        # A pre-order whose payment failed, to re-settle.
        status, _ = shop.call(
            "POST", f"/admin/orders/{first}/shipping-date", {"shippingDate": "2027-03-10"}, caller=STAFF
        )
        if status != 202:
            raise RuntimeError(f"shipping date: {status}")
        shop.shipping_queue.drain()
        detail = {"orderNumber": first, "settlementId": f"{first}#1", "reason": "card_declined"}
        event = {
            "version": "0",
            "id": "evt-failed",
            "detail-type": "PaymentFailed",
            "source": shop.stack.ref("PaymentEventSource"),
            "account": ACCOUNT,
            "time": "2026-12-01T09:00:00Z",
            "region": REGION,
            "resources": [],
            "detail": detail,
        }
        if not shop.functions.invoke("PaymentFailedFunction", event)["applied"]:
            raise RuntimeError("payment failure not applied")
        measured(
            "re-settlement",
            "POST",
            f"/orders/{first}/resettlement",
            {"paymentMethodId": shop.saved_card(ALICE, "5555555555554444")},
            caller=ALICE,
        )
    return RoundTrips(requests)
