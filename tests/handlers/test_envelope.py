"""What every function answers before it reads or writes anything (shop_aws/api.py): who may call, which
bodies it takes, how bad input is named (a clear 4xx, never a 500), which order numbers it understands.

These run at the `api` level: the functions with AWS out of reach, so an answer that needed data would be
a 500, and an empty `aws_calls` shows the refusal read and wrote nothing.
"""

from __future__ import annotations

import json

import pytest

from local.template import Route, load
from tests.support.builders import cart
from tests.support.shop import AN_ORDER_NUMBER, ApiWithoutAws, Member, checkout

STAFF_ROUTES = [route for route in load().routes() if route.path.startswith("/admin")]
PATH_PARAMETERS = {
    "productId": "miku-2027",
    "orderNumber": AN_ORDER_NUMBER,
    "requestId": f"SR-{AN_ORDER_NUMBER}",
    "runId": "0" * 32,
}


# --- who may call -----------------------------------------------------------------------------------------


def test_checkout_needs_a_signed_in_member(api: ApiWithoutAws) -> None:
    # rule M1: the template puts the Cognito authorizer in front of the route
    answer = api.call("POST", "/checkout", cart(("miku-2027", 1)), headers={"Idempotency-Key": "k"})

    assert answer.status == 401


def test_signing_in_is_required_to_see_my_orders(api: ApiWithoutAws) -> None:
    # rule M1
    assert api.call("GET", "/orders").status == 401


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda route: f"{route.method} {route.path}")
def test_a_member_who_is_not_staff_is_refused_before_the_payload_is_read(
    api: ApiWithoutAws, alice: Member, route: Route
) -> None:
    # rule C1, C2, L1, L2, L7, L8, L10, L11, S1: staff keep the catalogue, date, ship, cancel, replace, import
    # and answer support requests
    # given an empty payload, which staff would be told is invalid
    path = route.path.format(**PATH_PARAMETERS)

    # when
    answer = api.call(route.method, path, {}, member=alice)

    # then the member learns nothing about the payload, and nothing is read or written
    assert answer.status == 403
    assert answer.body["code"] == "FORBIDDEN"
    assert api.aws_calls == []


# --- which bodies it takes --------------------------------------------------------------------------------


def test_a_body_sent_as_plain_text_is_a_415(api: ApiWithoutAws, alice: Member) -> None:
    answer = api.call(
        "POST",
        "/checkout",
        json.dumps(cart(("miku-2027", 1))),
        member=alice,
        headers={"Idempotency-Key": "k", "Content-Type": "text/plain"},
    )

    assert answer.status == 415
    assert "Content-Type: application/json" in answer.body["message"]
    assert api.aws_calls == []


def test_an_oversized_body_is_a_413(api: ApiWithoutAws) -> None:
    body = {"email": "a@example.com", "password": "x" * 100_000, "name": "A", "acceptTerms": True, "termsVersion": "1"}

    answer = api.call("POST", "/members", body)

    assert answer.status == 413
    assert api.aws_calls == []


def test_a_body_that_is_not_json_is_a_400(api: ApiWithoutAws) -> None:
    answer = api.call("POST", "/members", "{not json", headers={"Content-Type": "application/json"})

    assert answer.status == 400
    assert answer.body["code"] == "INVALID_JSON"


def test_a_body_that_is_a_json_list_is_refused(api: ApiWithoutAws, alice: Member) -> None:
    answer = checkout(api, alice, [1, 2, 3])  # type: ignore[arg-type]

    assert answer.status == 422
    assert api.aws_calls == []


# --- bad input is named -----------------------------------------------------------------------------------


def test_a_negative_quantity_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    answer = checkout(api, alice, cart(("miku-2027", -1)))

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "items.0.quantity"


def test_a_fractional_quantity_is_refused(api: ApiWithoutAws, alice: Member) -> None:
    answer = checkout(api, alice, cart(("miku-2027", 1)) | {"items": [{"productId": "miku-2027", "quantity": 1.5}]})

    assert answer.status == 422


def test_an_empty_cart_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    answer = checkout(api, alice, cart())

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "items"


def test_a_country_that_is_not_a_code_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    body = cart(("miku-2027", 1))
    body["shippingAddress"]["country"] = "France"

    answer = checkout(api, alice, body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingAddress.country"


def test_a_control_character_in_an_address_is_refused_naming_the_field(api: ApiWithoutAws, alice: Member) -> None:
    body = cart(("miku-2027", 1))
    body["shippingAddress"]["name"] = "Alice\u0000Martin"

    answer = checkout(api, alice, body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingAddress.name"
    assert api.aws_calls == []


def test_an_unknown_field_is_refused_naming_it(api: ApiWithoutAws) -> None:
    body = {
        "email": "alice@example.com",
        "password": "Figure#2027a",
        "name": "Alice Martin",
        "acceptTerms": True,
        "termsVersion": "2026-04",
        "admin": True,
    }

    answer = api.call("POST", "/members", body)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "admin"


# --- which order numbers it understands -------------------------------------------------------------------


def test_a_malformed_order_number_is_a_400(api: ApiWithoutAws, alice: Member) -> None:
    answer = api.call(
        "POST", "/orders/not-an-order/resettlement", {"paymentMethodId": "pm_1QfH2jL8yNx4WcU7tPd3Sa9G"}, member=alice
    )

    assert answer.status == 400
    assert api.aws_calls == []
