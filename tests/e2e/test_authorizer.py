"""The local gateway's Cognito authorizer refuses every token API Gateway would refuse."""

from __future__ import annotations

import base64
import gzip
import json
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest

from local.client import ShopClient

PASSWORD = "Figure#2027a"


def _moto_signing_key() -> jwt.PyJWK:
    """The user pool's signing key in the embedded AWS, to forge tokens the shop must refuse."""
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return jwt.PyJWK(json.loads(gzip.decompress(path.read_bytes())))


@pytest.fixture(scope="module")
def member(local_shop: ShopClient) -> dict[str, str]:
    email = f"auth.{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": PASSWORD, "name": "Auth Test", "acceptTerms": True, "termsVersion": "2026-04"}
    assert local_shop.call("POST", "/members", body).status == 201
    return {"email": email, "token": local_shop.sign_in(email, PASSWORD)}


def forged(local_shop: ShopClient, member_token: str, **changes: Any) -> str:
    claims = jwt.decode(member_token, options={"verify_signature": False}) | changes
    key = _moto_signing_key()
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": key.key_id})


def checkout_reply(local_shop: ShopClient, token: str | None) -> Any:
    return local_shop.call("POST", "/checkout", {}, token=token, headers={"Idempotency-Key": "auth-test"})


def test_a_signed_in_member_passes_the_authorizer(local_shop: ShopClient, member: dict[str, str]) -> None:
    reply = checkout_reply(local_shop, member["token"])

    assert reply.status == 422  # past the authorizer: the empty cart is the function's refusal


def test_a_bearer_prefix_is_accepted(local_shop: ShopClient, member: dict[str, str]) -> None:
    assert checkout_reply(local_shop, f"Bearer {member['token']}").status == 422


def test_a_request_without_a_token_is_a_401(local_shop: ShopClient) -> None:
    reply = checkout_reply(local_shop, None)

    assert reply.status == 401
    assert reply.body["code"] == "UNAUTHORIZED"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_an_expired_token_is_a_401(local_shop: ShopClient, member: dict[str, str]) -> None:
    past = int(time.time()) - 3600
    token = forged(local_shop, member["token"], exp=past, iat=past - 3600, auth_time=past - 3600)

    assert checkout_reply(local_shop, token).status == 401


def test_a_token_whose_claims_were_tampered_with_is_a_401(local_shop: ShopClient, member: dict[str, str]) -> None:
    header, payload, signature = member["token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["cognito:groups"] = ["staff"]
    tampered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    token = f"{header}.{tampered_payload}.{signature}"

    assert local_shop.call("POST", "/admin/products", {}, token=token).status == 401


def test_a_token_for_another_app_client_is_a_401(local_shop: ShopClient, member: dict[str, str]) -> None:
    token = forged(local_shop, member["token"], aud="some-other-app-client")

    assert checkout_reply(local_shop, token).status == 401


def test_an_access_token_is_not_an_id_token(local_shop: ShopClient, member: dict[str, str]) -> None:
    token = forged(local_shop, member["token"], token_use="access")

    assert checkout_reply(local_shop, token).status == 401


def test_a_member_who_is_not_staff_is_refused_on_admin_routes(local_shop: ShopClient, member: dict[str, str]) -> None:
    reply = local_shop.call("POST", "/admin/products", {}, token=member["token"])

    assert reply.status == 403
    assert reply.body["code"] == "FORBIDDEN"


def test_staff_pass_on_admin_routes(local_shop: ShopClient, staff_token: str) -> None:
    reply = local_shop.call("POST", "/admin/products", {}, token=staff_token)

    assert reply.status == 422  # past the authorizer and the staff check: the empty product is refused


def test_the_catalogue_needs_no_token(local_shop: ShopClient) -> None:
    # rule M1
    assert local_shop.call("GET", "/products").status == 200
