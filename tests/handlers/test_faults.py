"""Faults injected where AWS fails in real life: nothing lost, nothing doubled, a clear answer."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.exceptions import JsonRESTError
from moto.dynamodb.models import DynamoDBBackend
from use_cases import shipping_dates
from use_cases.outbox_delivery import SWEEP_AFTER

from local.template import load
from shop_aws import clients, ses, sqs
from shop_aws.dynamodb import orders as order_store
from tests.support.builders import cart, in_stock, preorder
from tests.support.shop import Member, Shop, checkout, orders_in_table, outbox_entries, place_preorder, state_of


def ses_down(*args: Any, **kwargs: Any) -> str:
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES is down"}}, "SendEmail")


def dead_letters(shop: Shop, queue: str) -> list[dict[str, Any]]:
    messages = shop.session.client("sqs").receive_message(QueueUrl=shop.stack.ref(queue), MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def test_an_email_whose_ses_failures_outlast_the_streams_retries_is_delivered_by_the_sweeper(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule O10: a failing SES never fails the order, and the email is not lost when the stream gives up
    shop.add_product(preorder("miku-2027"))
    real_send = ses.send
    monkeypatch.setattr(ses, "send", ses_down)
    number = place_preorder(shop, alice)
    shop.deliver_outbox()
    monkeypatch.setattr(ses, "send", real_send)

    shop.clock.advance(SWEEP_AFTER + timedelta(seconds=1))
    swept = shop.sweep_outbox()

    assert state_of(number) == "RESERVED"
    assert swept["delivered"] == 1
    assert [m.subject for m in shop.emails_to(alice.email)] == [f"Order confirmation {number}"]
    assert "deliveredAt" in outbox_entries(shop)[0]


def test_the_streams_on_failure_destination_gets_the_batch_metadata_aws_sends_not_the_records(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # What Lambda sends a DynamoDB stream source's on-failure destination (AWS Lambda Developer Guide,
    # "Retaining records from stream-based event sources"): the batch's place in the stream, never its records.
    shop.add_product(preorder("miku-2027"))
    monkeypatch.setattr(ses, "send", ses_down)
    place_preorder(shop, alice)

    shop.deliver_outbox()

    parked = dead_letters(shop, "OutboxDeadLetterQueue")
    assert len(parked) == 1
    assert set(parked[0]) == {"requestContext", "responseContext", "version", "timestamp", "DDBStreamBatchInfo"}
    assert parked[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    batch = parked[0]["DDBStreamBatchInfo"]
    assert batch["batchSize"] == 1
    assert batch["startSequenceNumber"] == batch["endSequenceNumber"]
    assert batch["streamArn"] == shop.stack.attribute("ShopTable", "StreamArn")


def test_the_dead_letter_queue_has_an_alarm() -> None:
    alarms = load().of_type("AWS::CloudWatch::Alarm")
    watched = {json.dumps(alarm["Properties"].get("Dimensions", [])) for alarm in alarms.values()}

    assert any("OutboxDeadLetterQueue" in dimensions for dimensions in watched)


def test_emails_placed_while_ses_fails_go_out_once_when_it_recovers(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule O10: three orders placed during an outage of five attempts; each email is delivered exactly once
    shop.add_product(preorder("miku-2027"))
    real_send = ses.send
    failures = {"left": 5}

    def outage(*args: Any, **kwargs: Any) -> str:
        if failures["left"] > 0:
            failures["left"] -= 1
            return ses_down()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(ses, "send", outage)
    numbers = [place_preorder(shop, alice, key=f"k{index}") for index in range(3)]

    dropped = shop.deliver_outbox()

    assert dropped == 0
    subjects = sorted(message.subject for message in shop.emails_to(alice.email))
    assert subjects == sorted(f"Order confirmation {number}" for number in numbers)


def test_an_event_the_bus_refuses_is_retried_and_delivered_once(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule L1: PutEvents can answer 200 with FailedEntryCount > 0; that entry must not be dropped
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    shop.deliver_outbox()
    events = clients.client("events")
    real_put = events.put_events
    calls = {"count": 0}

    def refuses_once(**request: Any) -> dict[str, Any]:
        calls["count"] += 1
        if calls["count"] == 1:
            return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "InternalFailure", "ErrorMessage": "try again"}]}
        return real_put(**request)

    monkeypatch.setattr(events, "put_events", refuses_once)
    shop.call(
        "POST",
        f"/admin/orders/{number}/shipping-date",
        {"shippingDate": "2027-03-10"},
        member=Member("staff-1", "staff@preorder-shop.example", staff=True),
    )
    shop.shipping_queue.drain()

    dropped = shop.deliver_outbox()

    assert dropped == 0
    assert calls["count"] == 2


def test_a_transaction_conflict_that_remains_is_a_409_and_writes_nothing(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule O7: never a half-written checkout
    shop.add_product(in_stock("nendo-1", stock=5))
    shop.add_product(preorder("miku-2027"))
    table = clients.client("dynamodb")

    def conflict(**request: Any) -> None:
        reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (len(request["TransactItems"]) - 1)
        raise ClientError(
            {"Error": {"Code": "TransactionCanceledException", "Message": "conflict"}, "CancellationReasons": reasons},
            "TransactWriteItems",
        )

    monkeypatch.setattr(table, "transact_write_items", conflict)

    answer = checkout(shop, alice, cart(("nendo-1", 1), ("miku-2027", 1)))

    monkeypatch.undo()
    assert answer.status == 409
    assert "try" in answer.body["message"] or "again" in answer.body["message"]
    assert orders_in_table(shop) == []
    assert outbox_entries(shop) == []
    assert shop.product("nendo-1").stock == 5


def test_throttling_is_retried_with_backoff_until_the_checkout_goes_through(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule O7: DynamoDB throttles two attempts; botocore's standard retry mode retries, nothing doubles
    shop.add_product(in_stock("nendo-1", stock=5))
    real_transaction = DynamoDBBackend.transact_write_items
    throttled = {"left": 2}
    pauses: list[float] = []

    def throttle(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        if throttled["left"] > 0:
            throttled["left"] -= 1
            raise JsonRESTError("ThrottlingException", "Rate of requests exceeds the allowed throughput.")
        real_transaction(backend, transact_items)

    monkeypatch.setattr(DynamoDBBackend, "transact_write_items", throttle)
    monkeypatch.setattr("time.sleep", pauses.append)

    answer = checkout(shop, alice, cart(("nendo-1", 2)))

    assert throttled["left"] == 0
    assert answer.status == 201
    assert len(pauses) >= 2  # backed off before each retry
    assert shop.product("nendo-1").stock == 3
    assert len(orders_in_table(shop)) == 1


def test_a_fan_out_cut_off_half_way_finishes_on_redelivery_and_repeats_nothing(
    shop: Shop, alice: Member, staff: Member, monkeypatch
) -> None:
    # rule L1: the invocation dies after queueing the first ten orders of a page of twenty-five
    monkeypatch.setattr(shipping_dates, "PAGE_SIZE", 25)
    shop.add_product(preorder("miku-2027", reservationLimit=3))
    numbers = [place_preorder(shop, alice, key=f"k{index}") for index in range(25)]
    shop.deliver_outbox()
    real_send_all = sqs.send_all
    cut = {"done": False}

    def dies_after_first_batch(queue_url: str, messages: list[dict[str, Any]]) -> None:
        if not cut["done"] and len(messages) > sqs.SQS_BATCH:
            cut["done"] = True
            real_send_all(queue_url, messages[: sqs.SQS_BATCH])
            raise TimeoutError("Task timed out")
        real_send_all(queue_url, messages)

    monkeypatch.setattr(sqs, "send_all", dies_after_first_batch)

    shop.call("POST", "/admin/products/miku-2027/shipping-date", {"shippingDate": "2027-03-10"}, member=staff)
    shop.shipping_queue.drain()  # the page's invocation dies
    shop.shipping_queue.drain()  # SQS delivers the page again after its visibility timeout
    shop.deliver_outbox()

    assert cut["done"]
    assert {state_of(number) for number in numbers} == {"SETTLEMENT_PENDING"}
    assert all(order_store.get_order(number).settlement_attempt == 1 for number in numbers)
    dated = [m.subject for m in shop.emails_to(alice.email) if m.subject.startswith("Shipping date confirmed")]
    assert sorted(dated) == sorted(f"Shipping date confirmed for order {number}" for number in numbers)


@pytest.fixture
def staff() -> Member:
    return Member(member_id="staff-1", email="staff@preorder-shop.example", staff=True)
