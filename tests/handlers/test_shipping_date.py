"""Shipping-date confirmation by staff (rule L1): fanned out page by page through the queue."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from use_cases import shipping_dates

from shop_aws.dynamodb import orders as order_store
from tests.support.builders import cart, in_stock, preorder
from tests.support.orders import a_shipped_order, payment_succeeds
from tests.support.shop import Api, ApiWithoutAws, Member, Shop, checkout, place_preorder, state_of


@pytest.fixture
def bus_listener(shop: Shop) -> Iterator[str]:
    """A queue subscribed to every shop event on the bus, to see what the outbox put there (removed after)."""
    sqs = shop.session.client("sqs")
    url = sqs.create_queue(QueueName="bus-listener")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events = shop.session.client("events")
    bus = shop.stack.ref("ShopBus")
    events.put_rule(Name="listen", EventBusName=bus, EventPattern=json.dumps({"source": ["preorder.shop"]}))
    events.put_targets(Rule="listen", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    yield url
    events.remove_targets(Rule="listen", EventBusName=bus, Ids=["q"])
    events.delete_rule(Name="listen", EventBusName=bus)
    sqs.delete_queue(QueueUrl=url)


def settlement_requests(shop: Shop, queue_url: str) -> list[dict]:
    sqs = shop.session.client("sqs")
    found = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            event = json.loads(message["Body"])
            if event["detail-type"] == "SettlementRequested":
                found.append(event["detail"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found


def confirm_product(shop: Api, staff: Member, product_id: str, date: str = "2027-03-10"):
    return shop.call("POST", f"/admin/products/{product_id}/shipping-date", {"shippingDate": date}, member=staff)


def test_confirming_a_product_confirms_every_open_order_across_pages(
    shop: Shop, alice: Member, staff: Member, monkeypatch
) -> None:
    # rule L1
    # given five orders and pages of two
    monkeypatch.setattr(shipping_dates, "PAGE_SIZE", 2)
    shop.add_product(preorder("miku-2027"))
    numbers = [place_preorder(shop, alice, key=f"k{index}") for index in range(5)]

    # when
    answer = confirm_product(shop, staff, "miku-2027")
    shop.shipping_queue.drain()

    # then
    assert answer.status == 202
    assert {state_of(number) for number in numbers} == {"SETTLEMENT_PENDING"}
    assert {order_store.get_order(number).shipping_date for number in numbers} == {"2027-03-10"}


def test_each_order_number_gets_one_shipping_date_email(shop: Shop, alice: Member, staff: Member, monkeypatch) -> None:
    # rule L1
    monkeypatch.setattr(shipping_dates, "PAGE_SIZE", 2)
    shop.add_product(preorder("miku-2027"))
    numbers = [place_preorder(shop, alice, key=f"k{index}") for index in range(3)]

    confirm_product(shop, staff, "miku-2027")
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    subjects = [m.subject for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date confirmed")]
    assert sorted(subjects) == sorted(f"Shipping date confirmed for order {number}" for number in numbers)


def test_settlement_is_requested_on_the_bus_once_per_order_number(
    shop: Shop, alice: Member, staff: Member, bus_listener: str
) -> None:
    # rule L1, rule O13: the order's total is charged with the saved payment token
    shop.add_product(preorder("miku-2027", unitPriceCents=15_000))
    number = place_preorder(shop, alice)

    confirm_product(shop, staff, "miku-2027")
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    assert settlement_requests(shop, bus_listener) == [
        {
            "orderNumber": number,
            "settlementId": f"{number}#1",
            "amountCents": 16_800,
            "currency": "USD",
            "paymentToken": order_store.get_order(number).payment_token,
        }
    ]


def test_confirming_the_same_product_twice_emails_and_charges_each_order_once(
    shop: Shop, alice: Member, staff: Member, bus_listener: str
) -> None:
    # rule L1
    shop.add_product(preorder("miku-2027"))
    place_preorder(shop, alice)

    confirm_product(shop, staff, "miku-2027")
    confirm_product(shop, staff, "miku-2027")
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    assert len(settlement_requests(shop, bus_listener)) == 1
    assert len([m for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date confirmed")]) == 1


def test_a_redelivered_order_message_repeats_nothing(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L1: SQS delivers at least once
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    message = {"job": {"type": "ORDER", "orderNumber": number, "shippingDate": "2027-03-10"}}
    event = {"Records": [_sqs_record(shop, message, "m1"), _sqs_record(shop, message, "m2")]}

    outcome = shop.invoke("ShippingDateWorkerFunction", event)
    shop.deliver_outbox()

    assert outcome == {"batchItemFailures": []}
    order = order_store.get_order(number)
    assert order.settlement_attempt == 1
    assert len([m for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date confirmed")]) == 1


def test_a_failing_order_is_reported_alone_and_the_rest_of_the_batch_is_applied(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule L1: partial batch failure, nothing lost
    shop.add_product(preorder("miku-2027"))
    good = place_preorder(shop, alice, key="good")
    bad = place_preorder(shop, alice, key="bad")
    read_order = order_store.get_order

    def flaky(order_number: str):
        if order_number == bad:
            raise ConnectionError("DynamoDB unreachable")
        return read_order(order_number)

    monkeypatch.setattr(order_store, "get_order", flaky)
    event = {
        "Records": [
            _sqs_record(shop, {"job": {"type": "ORDER", "orderNumber": good, "shippingDate": "2027-03-10"}}, "g"),
            _sqs_record(shop, {"job": {"type": "ORDER", "orderNumber": bad, "shippingDate": "2027-03-10"}}, "b"),
        ]
    }

    outcome = shop.invoke("ShippingDateWorkerFunction", event)

    assert outcome == {"batchItemFailures": [{"itemIdentifier": "b"}]}
    monkeypatch.setattr(order_store, "get_order", read_order)
    assert state_of(good) == "SETTLEMENT_PENDING"
    assert state_of(bad) == "RESERVED"


def test_confirming_one_order_confirms_only_that_order(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L1
    shop.add_product(preorder("miku-2027"))
    first = place_preorder(shop, alice, key="first")
    second = place_preorder(shop, alice, key="second")

    answer = shop.call("POST", f"/admin/orders/{first}/shipping-date", {"shippingDate": "2027-03-10"}, member=staff)
    shop.shipping_queue.drain()

    assert answer.status == 202
    assert (state_of(first), state_of(second)) == ("SETTLEMENT_PENDING", "RESERVED")


def test_in_stock_orders_of_a_product_are_confirmed_too(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L1: an in-stock order is found from any of its products
    shop.add_product(in_stock("nendo-1"))
    shop.add_product(in_stock("nendo-2"))
    number = checkout(shop, alice, cart(("nendo-1", 1), ("nendo-2", 1))).body["orders"][0]["orderNumber"]

    confirm_product(shop, staff, "nendo-2")
    shop.shipping_queue.drain()

    assert state_of(number) == "SETTLEMENT_PENDING"


def test_a_date_in_the_past_is_refused(api: ApiWithoutAws, staff: Member) -> None:
    answer = confirm_product(api, staff, "miku-2027", date="2026-11-30")

    assert answer.status == 400
    assert answer.body["field"] == "shippingDate"
    assert api.aws_calls == []


def test_a_date_that_is_not_a_date_is_refused_naming_the_field(api: ApiWithoutAws, staff: Member) -> None:
    answer = confirm_product(api, staff, "miku-2027", date="next spring")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "shippingDate"


def test_an_unknown_product_is_a_404(shop: Shop, staff: Member) -> None:
    assert confirm_product(shop, staff, "no-such-figure").status == 404


def test_a_new_date_for_an_order_already_charged_is_recorded_and_not_charged_again(
    shop: Shop, alice: Member, staff: Member, bus_listener: str
) -> None:
    # rule L2 (it used to be refused: a changed date for a confirmed order is L2, not L1)
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    shop.call("POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2027-03-10"}, member=staff)
    shop.shipping_queue.drain()

    answer = shop.call("POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2027-03-12"}, member=staff)
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    assert answer.status == 202
    order = order_store.get_order(number)
    assert (order.state.value, order.shipping_date, order.settlement_attempt) == ("SETTLEMENT_PENDING", "2027-03-12", 1)
    assert len(settlement_requests(shop, bus_listener)) == 1


def test_each_affected_order_is_emailed_the_changed_date_once(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L2
    shop.add_product(preorder("miku-2027"))
    numbers = [place_preorder(shop, alice, key=f"k{index}") for index in range(2)]
    confirm_product(shop, staff, "miku-2027", "2027-03-10")
    shop.shipping_queue.drain()

    confirm_product(shop, staff, "miku-2027", "2027-04-02")
    confirm_product(shop, staff, "miku-2027", "2027-04-02")
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    changed = [m for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date changed")]
    assert sorted(m.subject for m in changed) == sorted(
        f"Shipping date changed for order {number}: now 2027-04-02" for number in numbers
    )
    assert re.search(r"has changed from 2027-03-10 to <span[^>]*>2027-04-02</span>", changed[0].body)
    assert {order_store.get_order(number).shipping_date for number in numbers} == {"2027-04-02"}


def test_a_paid_order_waiting_for_shipment_is_told_its_new_date(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L2
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    confirm_product(shop, staff, "miku-2027", "2027-03-10")
    shop.shipping_queue.drain()
    payment_succeeds(shop, number)

    confirm_product(shop, staff, "miku-2027", "2027-03-20")
    shop.shipping_queue.drain()
    shop.deliver_outbox()

    assert state_of(number) == "PAID"
    assert [m.subject for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date changed")] == [
        f"Shipping date changed for order {number}: now 2027-03-20"
    ]


def test_a_date_changed_and_changed_back_is_told_each_time(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L2: every staff request fans out, even one repeating an earlier date the same day
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    for date in ("2027-03-10", "2027-03-20", "2027-03-10"):
        confirm_product(shop, staff, "miku-2027", date)
        shop.shipping_queue.drain()
    shop.deliver_outbox()

    assert order_store.get_order(number).shipping_date == "2027-03-10"
    assert len([m for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date changed")]) == 2


def test_the_date_of_a_shipped_order_is_refused_naming_its_state(shop: Shop, alice: Member, staff: Member) -> None:
    # rule L2: only orders not yet shipped get a new date
    number = a_shipped_order(shop, alice)

    answer = shop.call("POST", f"/admin/orders/{number}/shipping-date", {"shippingDate": "2027-03-12"}, member=staff)

    assert answer.status == 409
    assert answer.body["currentState"] == "SHIPPED"
    assert answer.body["message"] == f"Order {number} is SHIPPED; its shipping date can no longer be set or changed."


def _sqs_record(shop: Shop, body: dict, message_id: str) -> dict:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": json.dumps(body),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": shop.stack.attribute("ShippingDateQueue", "Arn"),
        "awsRegion": "us-east-1",
    }
