"""Every route of template.yaml has a sample event (for `sam local invoke -e`), and each sample works.

A function's first route is its events/<folder>.json (test_sample_events.py); its other routes have
events/<folder>/<EventName>.json, named after the route's event in template.yaml. Each sample here is
invoked as it is on disk against a shop seeded with exactly what it refers to, at the moment it was taken.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from moto.cognitoidp.models import cognitoidp_backends
from use_cases import passwords

from local.provision import ACCOUNT, REGION
from local.template import load
from shop import emails
from shop.credentials import (
    RESET_CODE_TRIES,
    RESET_CODE_VALIDITY,
    RESET_EMAILS,
    ResetRequest,
    record_send,
    reset_code_digest,
)
from shop.members import NewMember
from shop.orders import OrderState
from shop_aws import cognito
from shop_aws.dynamodb import members as member_store
from shop_aws.dynamodb import passwords as password_store
from shop_aws.dynamodb import shipping_date_runs
from shop_aws.dynamodb.outbox import outbox_email
from tests.handlers.test_sample_events import (
    MEMBER_EMAIL,
    MEMBER_ID,
    ORDER_NUMBER,
    SAMPLES,
    Scenario,
    a_member_profile,
    a_paid_order,
    a_shipped_order,
    a_support_request,
    a_verified_member_profile,
    an_order,
    answers,
    the_callers_cart_with_the_product,
    the_callers_saved_card,
    the_product_in_the_path,
)
from tests.support.shop import Shop

TEMPLATE = load()
FUNCTIONS = TEMPLATE.functions()
STAGE = TEMPLATE.parameter_defaults()["StageName"]


def _route_samples() -> dict[str, Path]:
    return {f"{path.parent.name}/{path.stem}": path for path in sorted(SAMPLES.glob("*/*.json"))}


ROUTE_SAMPLES = _route_samples()


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _function_of(folder: str) -> str:
    (logical_id,) = [name for name, spec in FUNCTIONS.items() if spec.folder.name == folder]
    return logical_id


def _claims(event: dict[str, Any]) -> dict[str, str]:
    claims: dict[str, str] = event["requestContext"]["authorizer"]["claims"]
    return claims


# --- what the samples refer to ----------------------------------------------------------------------------


def the_callers_order(state: OrderState) -> Callable[[Shop, dict[str, Any]], None]:
    def given(shop: Shop, event: dict[str, Any]) -> None:
        claims = _claims(event)
        number = (event.get("pathParameters") or {}).get("orderNumber", ORDER_NUMBER)
        owner = {"member_id": claims["sub"], "email": claims["email"]}
        if state is OrderState.PAID:
            a_paid_order(shop, number, **owner)
        else:
            an_order(shop, number, state, **owner)

    return given


def an_order_in_the_path(state: OrderState) -> Callable[[Shop, dict[str, Any]], None]:
    def given(shop: Shop, event: dict[str, Any]) -> None:
        number = event["pathParameters"]["orderNumber"]
        if state is OrderState.SHIPPED:
            a_shipped_order(shop, number)
        else:
            an_order(shop, number, state)

    return given


def a_failed_payment(shop: Shop, event: dict[str, Any]) -> None:
    """The sample member's order whose payment failed two days before staff list the failed payments."""
    an_order(shop, ORDER_NUMBER, OrderState.PAYMENT_FAILED)


def the_product_with_an_open_order(shop: Shop, event: dict[str, Any]) -> None:
    """The product in the path, and the sample member's reserved order of it."""
    an_order(shop, ORDER_NUMBER, OrderState.RESERVED, product_id=event["pathParameters"]["productId"])


def the_run_in_the_path(shop: Shop, event: dict[str, Any]) -> None:
    """A product's shipping-date run that staff started two minutes before the sample was taken."""
    started = datetime(2027, 5, 10, 14, 0, tzinfo=UTC)
    shipping_date_runs.start(event["pathParameters"]["runId"], "miku-winter-2027", "2027-05-27", started)


def the_members_of_the_imported_orders(shop: Shop, event: dict[str, Any]) -> None:
    joined = datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC)
    for position, email in enumerate(sorted({order["memberEmail"] for order in json.loads(event["body"])["orders"]})):
        member = NewMember(
            email=email, name="Yuki Tanaka", terms_version="2026-04", terms_accepted_at=joined, is_minor=False
        )
        welcome = outbox_email(emails.welcome(email, member.name), joined)
        member_store.create_member(f"old-shop-customer-{position}", member, welcome, joined)


def the_callers_request(shop: Shop, event: dict[str, Any]) -> None:
    claims = _claims(event)
    a_support_request("OTHER", None, member_id=claims["sub"], email=claims["email"])


def a_request_about_an_order(kind: str, state: OrderState) -> Callable[[Shop, dict[str, Any]], None]:
    """The sample member's request of this kind about their order, which is in this state."""

    def given(shop: Shop, event: dict[str, Any]) -> None:
        if state is OrderState.SHIPPED:
            a_shipped_order(shop, ORDER_NUMBER)
        else:
            an_order(shop, ORDER_NUMBER, state)
        a_support_request(kind, ORDER_NUMBER)

    return given


def a_withdrawal_request_of_a_member_whose_only_order_shipped(shop: Shop, event: dict[str, Any]) -> None:
    a_verified_member_profile(MEMBER_ID, datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC))
    a_shipped_order(shop, ORDER_NUMBER)
    a_support_request("WITHDRAWAL", None)


def the_product_in_the_body(shop: Shop, event: dict[str, Any]) -> None:
    the_product_in_the_path(shop, {"pathParameters": {"productId": json.loads(event["body"])["productId"]}})


def a_session_with_the_refresh_token(shop: Shop, event: dict[str, Any]) -> None:
    """The member signed in an hour ago and the pool issued the sample's refresh token (put into moto's pool:
    moto makes up its own tokens)."""
    cognito.create_sign_in(MEMBER_EMAIL, "Snow#Miku2027")
    pool = cognitoidp_backends[ACCOUNT][REGION].user_pools[shop.stack.ref("UserPool")]
    client_id = shop.stack.ref("UserPoolClient")
    pool.refresh_tokens[json.loads(event["body"])["refreshToken"]] = (client_id, MEMBER_EMAIL, "origin-of-the-sample")


def the_callers_sign_in(shop: Shop, event: dict[str, Any]) -> None:
    cognito.create_sign_in(_claims(event)["email"], "Snow#Miku2027")


def the_caller_who_signed_up_yesterday(shop: Shop, event: dict[str, Any]) -> None:
    a_member_profile(_claims(event)["sub"], datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC))


def the_member_with_the_address(shop: Shop, event: dict[str, Any]) -> None:
    a_member_profile("3c9e8f2a-7b41-4d0e-9a57-1f2b6c8d4e90", datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC))


def the_reset_asked_with_the_code(shop: Shop, event: dict[str, Any]) -> None:
    """The member asked for a reset four minutes before typing the code the sample carries (M8)."""
    body = json.loads(event["body"])
    asked = datetime(2027, 3, 2, 18, 10, tzinfo=UTC)
    member_id = cognito.create_sign_in(body["email"], "Snow#Miku2027")
    a_member_profile(member_id, datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC))
    key = passwords.address_key(body["email"])
    request = ResetRequest(
        expires_at=asked + RESET_CODE_VALIDITY,
        tries_left=RESET_CODE_TRIES,
        member_id=member_id,
        code_digest=reset_code_digest(key, body["code"]),
    )
    password_store.request_reset(key, None, request, record_send(RESET_EMAILS, None, asked), None)


SCENARIOS: dict[str, Scenario] = {
    "sessions/RefreshSession": Scenario(
        datetime(2026, 11, 25, 20, 45, 10, tzinfo=UTC), a_session_with_the_refresh_token, answers(200)
    ),
    "sessions/SignOutEverywhere": Scenario(
        datetime(2026, 12, 20, 22, 5, 41, tzinfo=UTC), the_callers_sign_in, answers(200)
    ),
    "email_verification/SendVerificationEmail": Scenario(
        datetime(2026, 11, 26, 8, 3, 15, tzinfo=UTC), the_caller_who_signed_up_yesterday, answers(202)
    ),
    "passwords/AskPasswordReset": Scenario(
        datetime(2027, 3, 2, 18, 10, tzinfo=UTC), the_member_with_the_address, answers(202)
    ),
    "passwords/ConfirmPasswordReset": Scenario(
        datetime(2027, 3, 2, 18, 14, 27, tzinfo=UTC), the_reset_asked_with_the_code, answers(200)
    ),
    "support/ListMyRequests": Scenario(
        datetime(2027, 1, 15, 16, 30, 10, tzinfo=UTC), the_callers_request, answers(200)
    ),
    "support/GetMyRequest": Scenario(datetime(2027, 1, 15, 16, 31, 2, tzinfo=UTC), the_callers_request, answers(200)),
    "support/AddMessage": Scenario(datetime(2027, 1, 15, 16, 35, 40, tzinfo=UTC), the_callers_request, answers(200)),
    "admin_support/GetRequest": Scenario(
        datetime(2027, 1, 15, 16, 12, tzinfo=UTC),
        a_request_about_an_order("CANCELLATION", OrderState.RESERVED),
        answers(200),
    ),
    "admin_support/Answer": Scenario(
        datetime(2027, 1, 15, 16, 15, tzinfo=UTC),
        a_request_about_an_order("CANCELLATION", OrderState.RESERVED),
        answers(200),
    ),
    "admin_support/Cancel": Scenario(
        datetime(2027, 1, 15, 16, 20, tzinfo=UTC),
        a_request_about_an_order("CANCELLATION", OrderState.RESERVED),
        answers(200),
    ),
    "admin_support/SendReplacement": Scenario(
        datetime(2027, 6, 3, 10, 12, tzinfo=UTC), a_request_about_an_order("DEFECT", OrderState.SHIPPED), answers(200)
    ),
    "admin_support/Withdraw": Scenario(
        datetime(2027, 6, 14, 19, 40, tzinfo=UTC),
        a_withdrawal_request_of_a_member_whose_only_order_shipped,
        answers(200),
    ),
    "cart/AddToCart": Scenario(datetime(2026, 12, 5, 10, 21, 10, tzinfo=UTC), the_product_in_the_body, answers(200)),
    "cart/SetQuantity": Scenario(
        datetime(2026, 12, 5, 10, 21, 40, tzinfo=UTC), the_callers_cart_with_the_product, answers(200)
    ),
    "cart/RemoveLine": Scenario(
        datetime(2026, 12, 5, 10, 22, 5, tzinfo=UTC), the_callers_cart_with_the_product, answers(200)
    ),
    "cart/EmptyCart": Scenario(
        datetime(2026, 12, 5, 10, 22, 50, tzinfo=UTC), the_callers_cart_with_the_product, answers(200)
    ),
    "orders/ListMyOrders": Scenario(
        datetime(2026, 12, 6, 18, 2, 41, tzinfo=UTC), the_callers_order(OrderState.RESERVED), answers(200)
    ),
    "orders/GetMyOrder": Scenario(
        datetime(2027, 5, 11, 7, 55, 9, tzinfo=UTC), the_callers_order(OrderState.PAID), answers(200)
    ),
    "orders/ChangeShippingAddress": Scenario(
        datetime(2027, 2, 3, 21, 14, 30, tzinfo=UTC), the_callers_order(OrderState.RESERVED), answers(200)
    ),
    "orders/ChangePaymentMethod": Scenario(
        datetime(2027, 4, 18, 12, 40, 2, tzinfo=UTC),
        lambda shop, event: (the_callers_order(OrderState.RESERVED)(shop, event), the_callers_saved_card(shop, event)),
        answers(200),
    ),
    "catalogue/ListProducts": Scenario(
        datetime(2026, 12, 5, 10, 19, 48, tzinfo=UTC),
        lambda shop, _: the_product_in_the_path(shop, {"pathParameters": {"productId": "miku-winter-2027"}}),
        answers(200),
    ),
    "admin_catalogue/UpdateProduct": Scenario(
        datetime(2026, 11, 22, 9, 5, tzinfo=UTC), the_product_in_the_path, answers(200)
    ),
    "admin_catalogue/ChangeReleaseDate": Scenario(
        datetime(2027, 3, 2, 6, 30, tzinfo=UTC), the_product_in_the_path, answers(202)
    ),
    "confirm_shipping_date/ConfirmForOrder": Scenario(
        # rule L2: the order's date (20 May) moves to the 27th
        datetime(2027, 5, 10, 14, 0, tzinfo=UTC),
        an_order_in_the_path(OrderState.SETTLEMENT_PENDING),
        answers(202),
    ),
    "confirm_shipping_date/ShippingDateRunProgress": Scenario(
        # rules L1, L2: staff poll the fan-out they started
        datetime(2027, 5, 10, 14, 2, 10, tzinfo=UTC),
        the_run_in_the_path,
        answers(200),
    ),
    "confirm_shipping_date/ProductOpenOrders": Scenario(
        # rules L1, L2: staff see how many open orders the date will reach, a minute before confirming it
        datetime(2027, 5, 10, 8, 29, tzinfo=UTC),
        the_product_with_an_open_order,
        answers(200),
    ),
    "admin_orders/StaffOrderDetail": Scenario(
        # rule M6, rule S1: support looks the order up before cancelling it
        datetime(2027, 1, 15, 16, 18, tzinfo=UTC),
        an_order_in_the_path(OrderState.RESERVED),
        answers(200),
    ),
    "admin_orders/FailedPayments": Scenario(
        # rule L4, rule L5: staff list the failed payments, earliest deadline first
        datetime(2027, 5, 12, 9, 0, tzinfo=UTC),
        a_failed_payment,
        answers(200),
    ),
    "admin_orders/OrdersByState": Scenario(
        # rule L4: staff list the orders whose payment failed, oldest order first
        datetime(2027, 5, 12, 9, 5, tzinfo=UTC),
        a_failed_payment,
        answers(200),
    ),
    "admin_orders/CancelBySupport": Scenario(
        datetime(2027, 1, 15, 16, 20, tzinfo=UTC), an_order_in_the_path(OrderState.RESERVED), answers(200)
    ),
    "admin_orders/ReportDefect": Scenario(
        datetime(2027, 6, 3, 10, 12, tzinfo=UTC), an_order_in_the_path(OrderState.SHIPPED), answers(201)
    ),
    "admin_orders/ImportOldShopOrders": Scenario(
        datetime(2026, 12, 1, 3, 0, tzinfo=UTC), the_members_of_the_imported_orders, answers(201)
    ),
}


# --- the tests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", TEMPLATE.routes(), ids=lambda route: f"{route.method} {route.path}")
def test_every_route_has_a_sample_event(route: Any) -> None:
    # given
    folder = FUNCTIONS[route.function].folder.name
    candidates = [SAMPLES / f"{folder}.json", *sorted((SAMPLES / folder).glob("*.json"))]

    # when
    found = [path for path in candidates if path.is_file() and (_load(path)["httpMethod"], _load(path)["resource"])
             == (route.method, route.path)]  # fmt: skip

    # then
    assert found, f"no sample event for {route.method} {route.path} under events/{folder}"


@pytest.mark.parametrize("name", sorted(ROUTE_SAMPLES))
def test_a_route_sample_is_named_after_its_routes_event_in_the_template(name: str) -> None:
    # given
    folder, event_name = name.split("/")
    spec = FUNCTIONS[_function_of(folder)]
    event = _load(ROUTE_SAMPLES[name])

    # when
    declared = spec.events[event_name]["Properties"]

    # then
    assert (declared["Method"].upper(), declared["Path"]) == (event["httpMethod"], event["resource"])
    context = event["requestContext"]
    assert (context["httpMethod"], context["resourcePath"], context["stage"]) == (
        event["httpMethod"],
        event["resource"],
        STAGE,
    )
    assert context["path"] == f"/{STAGE}{event['path']}"


@pytest.mark.parametrize("name", sorted(ROUTE_SAMPLES))
def test_a_route_sample_carries_claims_exactly_when_its_route_needs_a_signed_in_caller(name: str) -> None:
    event = _load(ROUTE_SAMPLES[name])
    (route,) = (r for r in TEMPLATE.routes() if (r.method, r.path) == (event["httpMethod"], event["resource"]))

    claims = event["requestContext"].get("authorizer", {}).get("claims")

    assert (claims is not None) == (not route.public)


@pytest.mark.parametrize("name", sorted(ROUTE_SAMPLES))
def test_the_function_handles_its_route_sample(shop: Shop, name: str) -> None:
    # given
    assert name in SCENARIOS, f"no scenario for events/{name}.json: say what it needs and what success is"
    scenario = SCENARIOS[name]
    event = _load(ROUTE_SAMPLES[name])
    scenario.given(shop, event)
    shop.clock.set(scenario.at)

    # when
    response = shop.invoke(_function_of(name.split("/", maxsplit=1)[0]), event)

    # then
    scenario.then(response)
