"""Record the OpenAPI document's examples from a real walk: `python -m tools.record_api_examples`.

Starts the local shop in this process, runs the demo walk (local/demo.py) and a few calls it does not make,
and keeps, for every route, the first request body and the first successful answer the shop gave. They are
written to local/openapi_examples.json, which local/openapi.py puts in the document; a test checks every
example against the operation's schema, so an example that no longer fits is caught.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local import demo
from local.client import ShopClient
from local.gateway import Gateway
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from local.stack import LocalStack

OUT = Path(__file__).resolve().parent.parent / "local" / "openapi_examples.json"
SECRETS = {"idToken", "refreshToken"}
TOKEN = "eyJraWQiOiJsb2NhbCIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl"  # noqa: S105 - a stand-in, not a secret


def _shorten_tokens(value: Any) -> Any:
    """JWTs and refresh tokens are long and mean nothing in a document: a short stand-in of the same shape."""
    if isinstance(value, dict):
        return {
            key: (TOKEN if key in SECRETS and isinstance(item, str) else _shorten_tokens(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_shorten_tokens(item) for item in value]
    return value


def main() -> None:
    recorded: dict[str, dict[str, Any]] = {}
    original = Gateway._invoke

    def recording(self: Gateway, request: Any, route: Any, parameters: Any, claims: Any) -> Any:
        response = original(self, request, route, parameters, claims)
        entry = recorded.setdefault(f"{route.method} {route.path}", {})
        body = request.get_data(as_text=True)
        if body and "request" not in entry and response.status_code < 300:
            entry["request"] = _shorten_tokens(json.loads(body))
        if response.status_code < 300 and "response" not in entry:
            entry["status"] = str(response.status_code)
            entry["response"] = _shorten_tokens(json.loads(response.get_data(as_text=True)))
        return response

    Gateway._invoke = recording  # type: ignore[method-assign]
    stack = LocalStack(api_port=0, aws_port=0).start()
    try:
        client = ShopClient(stack.url)
        member = demo.walk(client)
        _the_rest(client, member)
    finally:
        stack.stop()
    known = json.loads(OUT.read_text()) if OUT.exists() else {}
    # a route this walk reached only with a refusal keeps the example an earlier walk recorded
    kept = known | {route: example for route, example in recorded.items() if example}
    OUT.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n")
    print(f"{len(recorded)} routes recorded into {OUT}")


def _the_rest(client: ShopClient, member: str) -> None:
    """Routes the demo walk does not call, on the walk's member, orders and products."""
    session = client.call("POST", "/sessions", {"email": member, "password": demo.PASSWORD}).body
    alice = session["idToken"]
    staff = client.sign_in(STAFF_EMAIL, STAFF_PASSWORD)
    products = client.call("GET", "/products?limit=2").body["products"]
    product = next(p["productId"] for p in products if p["kind"] == "PREORDER")
    client.call("GET", f"/products/{product}")
    client.call("PATCH", f"/admin/products/{product}", {"unitPriceCents": 19800}, token=staff)
    client.call("POST", f"/admin/products/{product}/release-date", {"releaseDate": "2027-09"}, token=staff)
    client.call("POST", "/cart/items", {"productId": product, "quantity": 1}, token=alice)
    client.call("PUT", f"/cart/items/{product}", {"quantity": 2}, token=alice)
    client.call("DELETE", f"/cart/items/{product}", token=alice)
    client.call("DELETE", "/cart", token=alice)
    cart = {
        "items": [{"productId": product, "quantity": 1}],
        "shippingAddress": demo.ADDRESS,
        "billingAddress": demo.ADDRESS,
        "paymentMethodId": client.save_card(alice),
    }
    placed = client.call("POST", "/checkout", cart, token=alice, headers={"Idempotency-Key": "c0ffee"}).body
    open_order = placed["orders"][0]["orderNumber"]
    orders = client.call("GET", "/orders", token=alice).body["orders"]
    shipped = next(o["orderNumber"] for o in orders if o["state"] == "SHIPPED")
    client.call("GET", f"/orders/{open_order}", token=alice)
    address = {
        "name": "Alice Martin",
        "line1": "8 rue de la Paix",
        "line2": "Bâtiment B",
        "city": "Paris",
        "postalCode": "75002",
        "country": "FR",
    }
    client.call("PUT", f"/orders/{open_order}/shipping-address", address, token=alice)
    new_card = {"paymentMethodId": client.save_card(alice)}
    client.call("PUT", f"/orders/{open_order}/payment-method", new_card, token=alice)
    asked = {"kind": "OTHER", "orderNumber": open_order, "message": "Can the box come without the sleeve?"}
    question = client.call("POST", "/support-requests", asked, token=alice).body["requestId"]
    client.call("GET", f"/support-requests/{question}", token=alice)
    client.call("GET", "/support-requests", token=alice)
    client.call("POST", f"/support-requests/{question}/messages", {"message": "Thank you!"}, token=alice)
    client.call("GET", f"/admin/support-requests/{question}", token=staff)
    client.call("POST", f"/admin/support-requests/{question}/answers", {"message": "Yes, we can."}, token=staff)
    defect = {
        "kind": "DEFECT",
        "orderNumber": shipped,
        "message": "The left hand arrived snapped off at the wrist.",
    }
    defect_id = client.call("POST", "/support-requests", defect, token=alice).body["requestId"]
    replacement = {"description": "Left hand snapped off at the wrist.", "message": "A new figure is on its way."}
    client.call("POST", f"/admin/support-requests/{defect_id}/replacement", replacement, token=staff)
    client.call(
        "POST",
        f"/admin/orders/{shipped}/defects",
        {
            "supportTicket": "CS-20270603-0042",
            "description": "Cracked base.",
            "lines": [{"productId": product, "quantity": 1}],
        },
        token=staff,
    )
    _staff_reads(client, staff, product, open_order)
    client.call("POST", "/sessions/refresh", {"memberId": session["memberId"], "refreshToken": session["refreshToken"]})
    client.call(
        "PUT", "/account/password", {"currentPassword": demo.PASSWORD, "newPassword": "Figure#2028b"}, token=alice
    )
    client.call("POST", "/members/password-reset", {"email": member})
    client.call("DELETE", "/sessions", token=client.sign_in(member, "Figure#2028b"))
    newcomer = member.replace("alice.", "bob.")
    client.call(
        "POST",
        "/members",
        {
            "email": newcomer,
            "password": demo.PASSWORD,
            "name": "Bob Martin",
            "acceptTerms": True,
            "termsVersion": "2026-04",
        },
    )
    bob = client.sign_in(newcomer, demo.PASSWORD)
    client.call("POST", "/account/verification-email", None, token=bob)
    client.call("DELETE", "/account", token=bob)


def _staff_reads(client: ShopClient, staff: str, product: str, open_order: str) -> None:
    """Staff's lists and lookups, the order's cancellation and the product's shipping-date run."""
    client.call("GET", f"/admin/orders/{open_order}", token=staff)
    client.call("GET", "/admin/failed-payments", token=staff)
    client.call("GET", "/admin/orders?state=RESERVED&limit=2", token=staff)
    client.call(
        "POST",
        f"/admin/orders/{open_order}/cancellation",
        {"reason": "CUSTOMER_REQUEST", "note": "Asked by phone"},
        token=staff,
    )
    client.call("GET", f"/admin/products/{product}/open-orders", token=staff)
    dated = client.call(
        "POST", f"/admin/products/{product}/shipping-date", {"shippingDate": demo.shipping_date(client)}, token=staff
    )
    client.call("GET", f"/admin/shipping-date-runs/{dated.body['runId']}", token=staff)


if __name__ == "__main__":
    main()
