"""Every route of template.yaml x every kind of caller: who gets in, who is told no, and how."""

from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest

from local.client import ShopClient
from local.template import Route, load
from tests.e2e.support import ADDRESS, cart, new_member, new_product

# Valid bodies for a member's order and support-request routes, so that "another member" is refused for the
# order's or the request's sake (404), not for the body's. A new route under /orders/{orderNumber} or
# /support-requests/{requestId} must be listed here.
ORDER_ROUTE_BODIES: dict[tuple[str, str], Any] = {
    ("GET", "/orders/{orderNumber}"): None,
    ("POST", "/orders/{orderNumber}/resettlement"): {"paymentMethodId": "pm_1QfH2jL8yNx4WcU7tPd3Sa9G"},
    ("PUT", "/orders/{orderNumber}/payment-method"): {"paymentMethodId": "pm_1QkR4tM7zPw2XcY5uVe6Tb8H"},
    ("PUT", "/orders/{orderNumber}/shipping-address"): ADDRESS,
    ("GET", "/support-requests/{requestId}"): None,
    ("POST", "/support-requests/{requestId}/messages"): {"message": "Is this mine?"},
}
OWN_RESOURCES = ("{orderNumber}", "{requestId}")
# Routes that refuse a kind of caller on purpose, beyond the /admin rule.
DELIBERATE_REFUSALS = {("DELETE", "/account", "staff"): 403}  # rule M5: staff accounts are not withdrawn here


def _signing_key() -> jwt.PyJWK:
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(path.read_bytes())))


def _reforged(token: str, **changes: Any) -> str:
    key = _signing_key()
    claims = jwt.decode(token, options={"verify_signature": False}) | changes
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": key.key_id})


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    return f"{header}.{payload[:-4]}AAAA.{signature}"


@pytest.fixture(scope="module")
def callers(local_shop: ShopClient, staff_token: str) -> dict[str, Any]:
    product = new_product(local_shop, staff_token, kind="PREORDER", stock=None, preorderClosesAt="2030-01-01T00:00:00Z")
    _, owner = new_member(local_shop, "owner")
    _, other = new_member(local_shop, "other")
    placed = local_shop.call(
        "POST",
        "/checkout",
        cart((product["productId"], 1), card=local_shop.save_card(owner)),
        token=owner,
        headers={"Idempotency-Key": "matrix"},
    )
    assert placed.status == 201, placed
    asked = local_shop.call("POST", "/support-requests", {"kind": "OTHER", "message": "Hello"}, token=owner)
    assert asked.status == 201, asked
    past = int(time.time()) - 7200
    return {
        "order": placed.body["orders"][0]["orderNumber"],
        "request": asked.body["requestId"],
        "product": product["productId"],
        "anonymous": None,
        "member": owner,
        "another member": other,
        "staff": staff_token,
        "tampered token": _tampered(owner),
        "expired token": _reforged(owner, exp=past, iat=past - 3600, auth_time=past - 3600),
    }


def _path(route: Route, callers: dict[str, Any]) -> str:
    path = (
        route.path.replace("{orderNumber}", callers["order"])
        .replace("{productId}", callers["product"])
        .replace("{requestId}", callers["request"])
        .replace("{runId}", "0" * 32)  # a run nobody started: staff get past the checks to its 404
    )
    assert "{" not in path, f"the matrix does not know how to fill {route.path}"
    return path


def _expected(route: Route, caller: str) -> str:
    """'in' = past the gateway and the staff check; otherwise the status the caller must get."""
    deliberate = DELIBERATE_REFUSALS.get((route.method, route.path, caller))
    if deliberate:
        return str(deliberate)
    if route.public:
        return "in"
    if caller in {"anonymous", "tampered token", "expired token"}:
        return "401"
    if route.path.startswith("/admin"):
        return "in" if caller == "staff" else "403"
    if caller == "another member" and any(resource in route.path for resource in OWN_RESOURCES):
        return "404"
    return "in"


CALLERS = ["anonymous", "member", "another member", "staff", "tampered token", "expired token"]
ROUTES = [route for route in load().routes() if (route.method, route.path) != ("DELETE", "/account")]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.path}")
def test_each_caller_gets_the_answer_its_rights_give(
    local_shop: ShopClient, callers: dict[str, Any], route: Route, caller: str
) -> None:
    expected = _expected(route, caller)
    body = ORDER_ROUTE_BODIES.get((route.method, route.path), {}) if caller == "another member" else {}

    reply = local_shop.call(route.method, _path(route, callers), body, token=callers[caller])

    if expected == "in":
        assert reply.status not in {401, 403}, reply
        assert reply.status < 500, reply
    else:
        assert reply.status == int(expected), reply


@pytest.mark.parametrize("caller", [caller for caller in CALLERS if caller != "another member"])
def test_withdrawal_answers_each_caller_as_its_rights_give(
    local_shop: ShopClient, callers: dict[str, Any], caller: str
) -> None:
    # rule M5: the member with an unshipped order is refused (409), never withdrawn by this test
    route = next(r for r in load().routes() if (r.method, r.path) == ("DELETE", "/account"))
    expected = _expected(route, caller)
    reply = local_shop.call("DELETE", "/account", token=callers[caller])

    if expected == "in":
        assert reply.status == 409, reply
    else:
        assert reply.status == int(expected), reply


def test_every_order_route_of_a_member_has_a_body_for_the_other_member_case() -> None:
    member_order_routes = {
        (r.method, r.path)
        for r in load().routes()
        if re.match(r"^/(orders/\{orderNumber\}|support-requests/\{requestId\})", r.path)
    }

    assert member_order_routes <= set(ORDER_ROUTE_BODIES)
