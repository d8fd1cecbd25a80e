"""A member's account over HTTP, against the local stack: verify, sign in, change and reset the password,
withdraw."""

from __future__ import annotations

import uuid

import pytest
import requests

from local.client import ShopClient, ShopError, wait_for
from local.provision import LOCAL_SECRETS
from tests.e2e.support import PASSWORD, cart, new_member

NEW_PASSWORD = "Nendoroid$2028"
RESET_PASSWORD = "Figma\u00b4Link2029"  # the guide's acute accent as the only symbol (M2)


def sign_in(shop: ShopClient, email: str, password: str) -> int:
    return shop.call("POST", "/sessions", {"email": email, "password": password}).status


def test_sign_up_verify_sign_in_change_the_password_then_forget_it_and_reset_it(local_shop: ShopClient) -> None:
    # rule M7, rule M8
    email = f"kenji.{uuid.uuid4().hex[:10]}@example.com"
    body = {"email": email, "password": PASSWORD, "name": "Kenji Sato", "acceptTerms": True, "termsVersion": "1"}
    assert local_shop.call("POST", "/members", body).status == 201

    # signed in but unverified: checkout waits for the link (M7)
    session = local_shop.call("POST", "/sessions", {"email": email, "password": PASSWORD})
    assert session.status == 201, session
    token = session.body["idToken"]
    refused = local_shop.call(
        "POST",
        "/checkout",
        cart(("nendoroid-saber", 1), card=local_shop.save_card(token)),
        token=token,
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert (refused.status, refused.body["code"]) == (403, "EMAIL_NOT_VERIFIED")

    # verify from the link in the mailbox
    link = local_shop.link_in_mail(email, "verify-email")
    verified = local_shop.call("POST", "/members/verification", {"token": link["token"]})
    assert verified.status == 200, verified

    # sign in, change the password, sign in with the new one
    token = local_shop.sign_in(email, PASSWORD)
    changed = local_shop.call(
        "PUT", "/account/password", {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}, token=token
    )
    assert changed.status == 200, changed
    local_shop.wait_for_mail(email, "Your Preorder Figure Shop password was changed")
    assert sign_in(local_shop, email, PASSWORD) == 401
    assert sign_in(local_shop, email, NEW_PASSWORD) == 201

    # forget it: reset from the code in the mailbox, then sign in
    asked = local_shop.call("POST", "/members/password-reset", {"email": email})
    assert asked.status == 202, asked
    reset = local_shop.link_in_mail(email, "reset-password")
    confirmed = local_shop.call(
        "POST",
        "/members/password-reset/confirm",
        {"email": reset["email"], "code": reset["code"], "newPassword": RESET_PASSWORD},
    )
    assert confirmed.status == 200, confirmed
    assert sign_in(local_shop, email, NEW_PASSWORD) == 401
    assert local_shop.sign_in(email, RESET_PASSWORD)


def test_a_member_who_withdraws_has_their_stripe_customer_deleted(local_shop: ShopClient) -> None:
    # rule M5, P1: the bus rule, the erasure queue and its function, wired from the template
    # given a member who saved a card (which made their Stripe customer)
    email, token = new_member(local_shop, "withdrawing")
    setup = local_shop.call("POST", "/payments/setup-intents", token=token)
    assert setup.status == 201, setup
    customer = f"{local_shop.config['stripeApiUrl']}/v1/customers/{setup.body['customerId']}"
    stripe = {"Authorization": f"Bearer {LOCAL_SECRETS['StripeSecretKeyName']}"}
    assert requests.get(customer, headers=stripe, timeout=10).status_code == 200

    # when
    withdrawn = local_shop.call("DELETE", "/account", token=token)

    # then
    assert withdrawn.status == 200, withdrawn
    local_shop.wait_for_mail(email, "Your Preorder Figure Shop account has been deleted")
    wait_for(
        lambda: requests.get(customer, headers=stripe, timeout=10).status_code,
        lambda status: status == 404,
        timeout=20,
        what="the withdrawn member's Stripe customer to be deleted",
    )


def test_a_reset_for_an_unknown_address_is_answered_like_one_for_a_member(local_shop: ShopClient) -> None:
    # rule M8
    email, _ = new_member(local_shop, "reset")

    known = local_shop.call("POST", "/members/password-reset", {"email": email})
    unknown = local_shop.call("POST", "/members/password-reset", {"email": f"{uuid.uuid4().hex}@example.com"})

    assert known.status == 202
    assert (unknown.status, unknown.body) == (known.status, known.body)


def test_a_refused_sign_in_says_why(local_shop: ShopClient) -> None:
    # what the local token command reports: POST /sessions's own answer
    email, _ = new_member(local_shop, "token")

    with pytest.raises(ShopError, match="wrong email or password"):
        local_shop.sign_in(email, "Wrong#Password1")


ACCOUNT_ROUTES = {
    ("post", "/sessions"): ("201", "M3"),
    ("post", "/sessions/refresh"): ("200", "M8"),
    ("delete", "/sessions"): ("200", "M8"),
    ("post", "/members/verification"): ("200", "M7"),
    ("post", "/account/verification-email"): ("202", "M7"),
    ("put", "/account/password"): ("200", "M8"),
    ("post", "/members/password-reset"): ("202", "M8"),
    ("post", "/members/password-reset/confirm"): ("200", "M8"),
}


def test_every_account_route_documents_its_success_and_names_its_rule(local_shop: ShopClient) -> None:
    # rule M7, rule M8: what a front end reads in the OpenAPI document
    document = local_shop.http.get(f"{local_shop.url}/_local/openapi.json", timeout=30).json()

    for (method, path), (success, rule) in ACCOUNT_ROUTES.items():
        operation = document["paths"][path][method]
        assert operation["summary"], path
        assert rule in operation["description"], path
        assert "$ref" in operation["responses"][success]["content"]["application/json"]["schema"], path
