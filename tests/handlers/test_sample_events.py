"""The sample events in events/ (for `sam local invoke -e`) work: each function handles its own sample.

One sample per function folder, named after the folder. Each test seeds the shop with exactly what its
sample refers to (the product, the order in the state the sample expects), reading the ids out of the
sample itself, sets the clock to the moment the sample was taken, and invokes the function
template.yaml names with the sample as it is on disk.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from use_cases import email_verification

from local.patterns import matches
from local.template import ROOT, Resolver, load
from shop import emails
from shop.cart import CartItem, LineChange
from shop.catalogue import Product, ProductKind
from shop.credentials import VERIFICATION_EMAILS, VERIFICATION_LINK_VALIDITY, VerificationLink, record_send
from shop.members import NewMember
from shop.orders import (
    RESETTLEMENT_WINDOW,
    SHIPPING_FEE_CENTS,
    Address,
    Order,
    OrderLine,
    OrderState,
    paid,
    payment_failed,
    settling,
)
from shop.shipping_dates import dated
from shop.support import Shipment, shipped
from shop.support_requests import NewRequest, opened
from shop_aws import cognito
from shop_aws.dynamodb import carts, order_changes, payment_customers, support_requests, verifications
from shop_aws.dynamodb import members as member_store
from shop_aws.dynamodb import orders as order_store
from shop_aws.dynamodb.items import to_attributes
from shop_aws.dynamodb.outbox import outbox_email, outbox_event
from shop_aws.dynamodb.verifications import LinkToSend
from tests.support.shop import Shop
from tests.support.stripe import LocalStripe

SAMPLES = ROOT / "events"
TEMPLATE = load()
FUNCTIONS = TEMPLATE.functions()

# The story the samples tell: an order placed in December 2026, dated for shipping in May 2027, paid for (or not).
SHIPPING_DATE = "2027-05-20"
# When the payment processor answers the settlement requested as the shipping date was confirmed.
SETTLEMENT_ANSWERED_AT = datetime(2027, 5, 10, 8, 31, 12, tzinfo=UTC)
PAYMENT_FAILED_AT = SETTLEMENT_ANSWERED_AT
RESETTLEMENT_DEADLINE = PAYMENT_FAILED_AT + RESETTLEMENT_WINDOW
# The order the samples follow; the expiry and worker samples name no order, so they get this one too.
ORDER_NUMBER = "01M9-2VPC-GE4T-7QXZ"
MEMBER_ID = "3c9e8f2a-7b41-4d0e-9a57-1f2b6c8d4e90"
MEMBER_EMAIL = "yuki.tanaka@example.com"
ADDRESS = Address(
    name="Yuki Tanaka",
    line1="742 Evergreen Terrace",
    line2="Apt 3B",
    city="Portland",
    region="OR",
    postalCode="97205",
    country="US",
)


def sample(folder: str) -> dict[str, Any]:
    path = SAMPLES / f"{folder}.json"
    assert path.is_file(), f"events/{folder}.json is missing: every function folder needs a sample event"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


# --- what the samples refer to ----------------------------------------------------------------------------


def a_preorder(product_id: str) -> Product:
    """A figure open for pre-order until the end of January 2027, released in May."""
    return Product(
        productId=product_id,
        name="Hatsune Miku: Snow Miku 2027 Ver. 1/7 Scale Figure",
        kind=ProductKind.PREORDER,
        unitPriceCents=18_900,
        releaseDate="2027-05",
        reservationLimit=3,
        preorderClosesAt=datetime(2027, 1, 31, 15, 0, tzinfo=UTC),
    )


# How an order gets from RESERVED to each later state: the rules decide each step, the store records it.
_STEPS: list[tuple[OrderState, Callable[[Order], None]]] = [
    (
        OrderState.SHIPPING_DATE_CONFIRMED,
        lambda order: order_changes.confirm_shipping_date(order, dated(order, SHIPPING_DATE), []),
    ),
    (OrderState.SETTLEMENT_PENDING, lambda order: order_changes.request_settlement(order, settling(order), [])),
    (
        OrderState.PAYMENT_FAILED,
        lambda order: order_changes.record_payment_failure(
            order, payment_failed(order, "card_declined", PAYMENT_FAILED_AT), []
        ),
    ),
]


def an_order(
    shop: Shop,
    order_number: str,
    state: OrderState,
    *,
    product_id: str = "miku-winter-2027",
    member_id: str = MEMBER_ID,
    email: str = MEMBER_EMAIL,
) -> Order:
    """The member's pre-order of the product, placed in December 2026 and moved on to `state`."""
    product = shop.add_product(a_preorder(product_id))
    order = Order(
        orderNumber=order_number,
        memberId=member_id,
        email=email,
        checkoutId="9f4c2e7a1b3d4f6e8a0c2e4f6a8b0d1e",
        kind=ProductKind.PREORDER,
        lines=(
            OrderLine(
                productId=product.product_id,
                name=product.name,
                quantity=1,
                unitPriceCents=product.unit_price_cents,
                releaseDate=product.release_date,
            ),
        ),
        shippingAddress=ADDRESS,
        billingAddress=ADDRESS,
        paymentToken="pm_1QdF7hK2xLw9VbT3sNc8Rz4E",
        shippingFeeCents=SHIPPING_FEE_CENTS,
        createdAt=datetime(2026, 12, 5, 10, 23, 45, 678_000, tzinfo=UTC),
    )
    order_store.place_checkout([order], {}, [])
    for _, step in _STEPS:
        if order.state is state:
            break
        step(order)
        order = order_store.require_order(order_number)
    assert order.state is state, f"cannot seed an order in {state}"
    return order


def _path_parameter(event: dict[str, Any], name: str) -> str:
    return str(event["pathParameters"][name])


def _claims(event: dict[str, Any]) -> dict[str, str]:
    claims: dict[str, str] = event["requestContext"]["authorizer"]["claims"]
    return claims


def _body(event: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(event["body"])
    return body


def nothing(shop: Shop, event: dict[str, Any]) -> None:
    """The sample creates what it names (a member, a product): the shop starts empty."""


def the_product_in_the_path(shop: Shop, event: dict[str, Any]) -> None:
    shop.add_product(a_preorder(_path_parameter(event, "productId")))


# When the sample member put the figure in their cart, a few minutes before the cart samples were taken.
ADDED_TO_CART_AT = datetime(2026, 12, 5, 10, 20, 3, tzinfo=UTC)


def the_callers_cart_with_the_product(shop: Shop, event: dict[str, Any]) -> None:
    """The figure (the path's, or the one the samples follow) in the caller's cart."""
    product_id = (event.get("pathParameters") or {}).get("productId", "miku-winter-2027")
    shop.add_product(a_preorder(product_id))
    line = CartItem(product_id=product_id, quantity=1, added_at=ADDED_TO_CART_AT)
    carts.write_line(_claims(event)["sub"], None, LineChange(before=None, after=line), ADDED_TO_CART_AT)


# The support request the support samples follow: the sample member asks to cancel a duplicate order.
REQUEST_ID = "SR-01MA-7K3Q-XN2P-4D8H"
REQUEST_OPENED_AT = datetime(2027, 1, 15, 15, 48, 22, tzinfo=UTC)


def a_support_request(
    kind: str, order_number: str | None = ORDER_NUMBER, member_id: str = MEMBER_ID, email: str = MEMBER_EMAIL
) -> None:
    """The sample member's request of this kind (about the order the samples follow, where it names one)."""
    asked = NewRequest(kind=kind, orderNumber=order_number, message="Please see to my order.")
    request = opened(REQUEST_ID, member_id, email, asked, REQUEST_OPENED_AT, order_number=order_number)
    support_requests.open_request(request)


def the_callers_order_in_the_body(shop: Shop, event: dict[str, Any]) -> None:
    claims = _claims(event)
    number = _body(event)["orderNumber"]
    an_order(shop, number, OrderState.RESERVED, member_id=claims["sub"], email=claims["email"])


def the_callers_saved_card(shop: Shop, event: dict[str, Any]) -> None:
    """P1: the card the body names, saved by the caller (their Stripe customer made once) at the local Stripe."""
    claims = _claims(event)
    customer = f"cus_{claims['sub'][:8]}Sample"
    shop.stripe.fixture_card(_body(event)["paymentMethodId"], customer)
    payment_customers.keep_payment_customer(claims["sub"], customer, shop.now())


def the_products_in_the_cart(shop: Shop, event: dict[str, Any]) -> None:
    for line in _body(event)["items"]:
        shop.add_product(a_preorder(line["productId"]))
    the_callers_saved_card(shop, event)


def the_callers_failed_order_in_the_path(shop: Shop, event: dict[str, Any]) -> None:
    claims = _claims(event)
    an_order(
        shop,
        _path_parameter(event, "orderNumber"),
        OrderState.PAYMENT_FAILED,
        member_id=claims["sub"],
        email=claims["email"],
    )
    the_callers_saved_card(shop, event)


def an_open_order_of_the_queued_product(shop: Shop, event: dict[str, Any]) -> None:
    (record,) = event["Records"]
    job = json.loads(record["body"])["job"]
    an_order(shop, ORDER_NUMBER, OrderState.RESERVED, product_id=job["productId"])


def the_order_awaiting_settlement(shop: Shop, event: dict[str, Any]) -> None:
    detail = event["detail"]
    order = an_order(shop, detail["orderNumber"], OrderState.SETTLEMENT_PENDING)
    assert detail["settlementId"] == order.settlement_id, "the sample must answer the pending settlement attempt"


def a_paid_order(shop: Shop, order_number: str, **owner: str) -> Order:
    """Paid when the settlement was answered, waiting for the warehouse."""
    pending = an_order(shop, order_number, OrderState.SETTLEMENT_PENDING, **owner)
    order_changes.mark_paid(pending, paid(pending, f"{order_number}#1", SETTLEMENT_ANSWERED_AT))
    return order_store.require_order(order_number)


def a_shipped_order(shop: Shop, order_number: str, **owner: str) -> Order:
    """Paid, then shipped by the warehouse the same day."""
    waiting = a_paid_order(shop, order_number, **owner)
    parcel = Shipment(carrier="UPS", trackingNumber="1Z999AA10123456784")
    order_changes.record_shipment(waiting, shipped(waiting, parcel, SETTLEMENT_ANSWERED_AT), [])
    return order_store.require_order(order_number)


def the_paid_order_in_the_path(shop: Shop, event: dict[str, Any]) -> None:
    a_paid_order(shop, _path_parameter(event, "orderNumber"))


def the_caller_whose_only_order_shipped(shop: Shop, event: dict[str, Any]) -> None:
    """A member who signed up in November 2026 and whose one order was delivered in May 2027."""
    claims = _claims(event)
    a_verified_member_profile(claims["sub"], datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC), email=claims["email"])
    a_shipped_order(shop, ORDER_NUMBER, member_id=claims["sub"], email=claims["email"])


def an_order_whose_payment_failed(shop: Shop, event: dict[str, Any]) -> None:
    an_order(shop, ORDER_NUMBER, OrderState.PAYMENT_FAILED)


def an_order_whose_resettlement_deadline_passed(shop: Shop, event: dict[str, Any]) -> None:
    an_order(shop, ORDER_NUMBER, OrderState.PAYMENT_FAILED)


def the_order_the_email_is_about(shop: Shop, event: dict[str, Any]) -> None:
    (record,) = event["Records"]
    an_order(shop, record["dynamodb"]["NewImage"]["orderNumber"]["S"], OrderState.RESERVED)


def a_sign_in_for_the_body(shop: Shop, event: dict[str, Any]) -> None:
    """The member signed up with the address and password the sample signs in with."""
    body = _body(event)
    cognito.create_sign_in(body["email"], body["password"])


def the_member_who_just_signed_up_with_the_link(shop: Shop, event: dict[str, Any]) -> None:
    """Signed up five minutes before opening the link the sample carries (M7)."""
    joined = datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC)
    member_id = cognito.create_sign_in(MEMBER_EMAIL, "Snow#Miku2027")
    a_member_profile(member_id, joined, link_token=_body(event)["token"])


def a_member_profile(
    member_id: str, joined: datetime, link_token: str = "an-earlier-link-token", email: str = MEMBER_EMAIL
) -> VerificationLink:
    """The profile signup wrote, with the verification link it sent (M7), not opened yet."""
    member = NewMember(
        email=email, name=ADDRESS.name, terms_version="2026-04", terms_accepted_at=joined, is_minor=False
    )
    link = VerificationLink(member_id=member_id, email=email, expires_at=joined + VERIFICATION_LINK_VALIDITY)
    url = f"https://shop.example.com/verify-email?token={link_token}"
    verification = LinkToSend(
        token_digest=email_verification.token_digest(link_token),
        link=link,
        email=outbox_email(emails.email_verification(email, member.name, url, link.expires_at), joined),
        sends=record_send(VERIFICATION_EMAILS, None, joined),
    )
    welcome = outbox_email(emails.welcome(member.email, member.name), joined)
    member_store.create_member(member_id, member, welcome, joined, verification)
    return link


def a_verified_member_profile(member_id: str, joined: datetime, email: str = MEMBER_EMAIL) -> None:
    """A member who opened the link five minutes after signing up (M7), as before any checkout."""
    link = a_member_profile(member_id, joined, link_token="the-opened-link-token", email=email)
    verifications.verify(email_verification.token_digest("the-opened-link-token"), link, joined + timedelta(minutes=5))


def the_caller_signed_in_with_the_current_password(shop: Shop, event: dict[str, Any]) -> None:
    cognito.create_sign_in(_claims(event)["email"], _body(event)["currentPassword"])


# --- what success looks like ------------------------------------------------------------------------------


def answers(status: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response["statusCode"] == status, response.get("body")

    return check


def an_event_left_pending_by_the_stream(shop: Shop, event: dict[str, Any]) -> None:
    """The settlement request of the sample order, written ten minutes before the sweep and never delivered."""
    entry = outbox_event("SettlementRequested", {"orderNumber": ORDER_NUMBER}, datetime(2027, 5, 10, 8, 30, tzinfo=UTC))
    shop.session.client("dynamodb").put_item(
        TableName=shop.stack.ref("ShopTable"), Item=to_attributes(entry.attributes)
    )


def the_withdrawn_members_payment_customer(shop: Shop, event: dict[str, Any]) -> None:
    """The customer the sample names, with a saved card, at the local Stripe and in the shop (M5: its member
    withdrew a second before)."""
    erasure = json.loads(event["Records"][0]["body"])["detail"]
    shop.stripe.fixture_card("pm_1QdF7hK2xLw9VbT3sNc8Rz4E", erasure["customerId"])
    payment_customers.keep_payment_customer(
        erasure["memberId"], erasure["customerId"], datetime(2026, 12, 5, 10, 21, 58, tzinfo=UTC)
    )


def delivers(count: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response["delivered"] == count, response

    return check


def marks_undeliverable(count: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response == {"marked": count}

    return check


def no_batch_item_failures(response: Any) -> None:
    assert response == {"batchItemFailures": []}


def applied(response: Any) -> None:
    assert response["applied"] is True, response


def reminds(count: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response["reminded"] == count, response

    return check


def cancels(count: int) -> Callable[[Any], None]:
    def check(response: Any) -> None:
        assert response["cancelled"] == count, response

    return check


@dataclass(frozen=True)
class Scenario:
    at: datetime
    given: Callable[[Shop, dict[str, Any]], None]
    then: Callable[[Any], None]


SCENARIOS: dict[str, Scenario] = {
    "signup": Scenario(datetime(2026, 11, 25, 19, 42, 10, tzinfo=UTC), nothing, answers(201)),
    "admin_catalogue": Scenario(datetime(2026, 11, 20, 8, 15, tzinfo=UTC), nothing, answers(201)),
    "catalogue": Scenario(datetime(2026, 12, 5, 10, 20, 3, tzinfo=UTC), the_product_in_the_path, answers(200)),
    "checkout": Scenario(datetime(2026, 12, 5, 10, 23, 45, tzinfo=UTC), the_products_in_the_cart, answers(201)),
    "cart": Scenario(datetime(2026, 12, 5, 10, 22, 30, tzinfo=UTC), the_callers_cart_with_the_product, answers(200)),
    "support": Scenario(REQUEST_OPENED_AT, the_callers_order_in_the_body, answers(201)),
    "admin_support": Scenario(
        datetime(2027, 1, 15, 16, 5, tzinfo=UTC),
        lambda shop, _: a_support_request("CANCELLATION", ORDER_NUMBER),
        answers(200),
    ),
    "confirm_shipping_date": Scenario(datetime(2027, 5, 10, 8, 30, tzinfo=UTC), the_product_in_the_path, answers(202)),
    "shipping_date_worker": Scenario(
        datetime(2027, 5, 10, 8, 30, 1, tzinfo=UTC), an_open_order_of_the_queued_product, no_batch_item_failures
    ),
    "payment_succeeded": Scenario(SETTLEMENT_ANSWERED_AT, the_order_awaiting_settlement, applied),
    "payment_failed": Scenario(SETTLEMENT_ANSWERED_AT, the_order_awaiting_settlement, applied),
    "orders": Scenario(
        datetime(2027, 5, 12, 20, 4, 51, tzinfo=UTC), the_callers_failed_order_in_the_path, answers(202)
    ),
    "expire_resettlements": Scenario(
        datetime(2027, 5, 17, 8, 45, tzinfo=UTC), an_order_whose_resettlement_deadline_passed, cancels(1)
    ),
    "account": Scenario(
        datetime(2027, 6, 14, 19, 32, 5, tzinfo=UTC), the_caller_whose_only_order_shipped, answers(200)
    ),
    "admin_orders": Scenario(datetime(2027, 5, 20, 7, 45, tzinfo=UTC), the_paid_order_in_the_path, answers(200)),
    "remind_resettlements": Scenario(
        # the deadline (17 May, 08:31 UTC) is less than a day away
        datetime(2027, 5, 16, 8, 45, tzinfo=UTC),
        an_order_whose_payment_failed,
        reminds(1),
    ),
    "sessions": Scenario(datetime(2026, 11, 25, 19, 48, 2, tzinfo=UTC), a_sign_in_for_the_body, answers(201)),
    "email_verification": Scenario(
        datetime(2026, 11, 25, 19, 47, 31, tzinfo=UTC), the_member_who_just_signed_up_with_the_link, answers(200)
    ),
    "passwords": Scenario(
        datetime(2027, 1, 8, 21, 12, 40, tzinfo=UTC), the_caller_signed_in_with_the_current_password, answers(200)
    ),
    # Issue 10, Stripe. A member starts saving a card; the local Stripe makes their customer and SetupIntent.
    "payment_methods": Scenario(datetime(2026, 12, 5, 10, 21, 58, tzinfo=UTC), nothing, answers(201)),
    # The settlement request is charged: its card is unknown to the local Stripe, a decided outcome
    # (PaymentFailed, card_not_on_file), so nothing is left for the queue to retry.
    "charge": Scenario(datetime(2027, 5, 10, 8, 30, 2, tzinfo=UTC), nothing, no_batch_item_failures),
    # M5: the member withdrew (the account sample); their Stripe customer is deleted.
    "forget_payment_customer": Scenario(
        datetime(2027, 6, 14, 19, 32, 6, tzinfo=UTC), the_withdrawn_members_payment_customer, no_batch_item_failures
    ),
    # P4: Stripe's notification of the charge, signed (with the local webhook secret) two seconds before.
    "stripe_webhook": Scenario(SETTLEMENT_ANSWERED_AT + timedelta(seconds=2), nothing, answers(200)),
    "outbox_sweeper": Scenario(
        datetime(2027, 5, 10, 8, 40, tzinfo=UTC), an_event_left_pending_by_the_stream, delivers(1)
    ),
    "email_events": Scenario(datetime(2027, 5, 10, 8, 31, 21, tzinfo=UTC), nothing, marks_undeliverable(1)),
    "outbox_dispatcher": Scenario(
        datetime(2026, 12, 5, 10, 23, 46, tzinfo=UTC), the_order_the_email_is_about, no_batch_item_failures
    ),
}


# --- the tests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_the_function_handles_its_sample_event(shop: Shop, local_stripe: LocalStripe, logical_id: str) -> None:
    # given
    folder = FUNCTIONS[logical_id].folder.name
    event = sample(folder)
    assert folder in SCENARIOS, f"no scenario for events/{folder}.json: say what it needs and what success is"
    scenario = SCENARIOS[folder]
    scenario.given(shop, event)
    shop.clock.set(scenario.at)

    # when
    response = shop.invoke(logical_id, event)

    # then
    scenario.then(response)


def test_every_sample_event_is_for_a_function_in_the_template() -> None:
    # given
    folders = {spec.folder.name for spec in FUNCTIONS.values()}

    # when
    samples = {path.stem for path in SAMPLES.glob("*.json")}

    # then
    assert samples - folders == set()


API_FUNCTIONS = sorted(
    name for name, spec in FUNCTIONS.items() if any(e["Type"] == "Api" for e in spec.events.values())
)


@pytest.mark.parametrize("logical_id", API_FUNCTIONS)
def test_an_api_sample_is_a_request_to_a_route_its_function_serves(logical_id: str) -> None:
    # given
    event = sample(FUNCTIONS[logical_id].folder.name)
    routes = {(r.method, r.path) for r in TEMPLATE.routes() if r.function == logical_id}
    stage = TEMPLATE.parameter_defaults()["StageName"]

    # when
    request = (event["httpMethod"], event["resource"])
    context = event["requestContext"]

    # then
    assert request in routes
    assert (context["httpMethod"], context["resourcePath"], context["stage"]) == (*request, stage)
    assert context["path"] == f"/{stage}{event['path']}"


@pytest.mark.parametrize("logical_id", API_FUNCTIONS)
def test_an_api_sample_carries_claims_exactly_when_its_route_needs_a_signed_in_caller(logical_id: str) -> None:
    # given
    event = sample(FUNCTIONS[logical_id].folder.name)
    (route,) = (r for r in TEMPLATE.routes() if (r.method, r.path) == (event["httpMethod"], event["resource"]))

    # when
    claims = event["requestContext"].get("authorizer", {}).get("claims")

    # then
    assert (claims is not None) == (not route.public)


def _filters(spec_events: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The event patterns the template puts in front of a function: rule patterns and stream filters."""
    resolver = Resolver(TEMPLATE.parameter_defaults(), {})
    patterns = []
    for event in spec_events.values():
        properties = event["Properties"]
        if event["Type"] == "EventBridgeRule":
            patterns.append(resolver.resolve(properties["Pattern"]))
        for criterion in properties.get("FilterCriteria", {}).get("Filters", []):
            patterns.append(json.loads(criterion["Pattern"]))
    return patterns


FILTERED_FUNCTIONS = sorted(name for name, spec in FUNCTIONS.items() if _filters(spec.events))


@pytest.mark.parametrize("logical_id", FILTERED_FUNCTIONS)
def test_an_event_sample_passes_the_filter_in_front_of_its_function(logical_id: str) -> None:
    # given
    spec = FUNCTIONS[logical_id]
    event = sample(spec.folder.name)

    # when
    delivered = event.get("Records", [event])

    # then
    assert all(any(matches(pattern, item) for pattern in _filters(spec.events)) for item in delivered)
