"""python -m ops: an operator lists and redrives parked outbox entries and the dead-letter queues (issue 12)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from use_cases.outbox_delivery import PARK_AFTER_SWEEPS, SWEEP_AFTER

from ops.__main__ import main
from ops.target import Target
from shop_aws import ses
from tests.support.builders import preorder
from tests.support.orders import order_of
from tests.support.shop import Member, Shop, confirm_shipping_date, place_preorder


def ses_down(*args: Any, **kwargs: Any) -> str:
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES is down"}}, "SendEmail")


@pytest.fixture
def target(shop: Shop) -> Target:
    """The shop in moto, as `python -m ops` finds a deployed stack: the sweeper's environment, queues, bus."""
    queues = {name: shop.stack.ref(name) for name in shop.stack.template.of_type("AWS::SQS::Queue")}
    return Target(shop.stack.environments["OutboxSweeperFunction"], queues, shop.stack.ref("ShopBus"))


def run(target: Target, capsys, *argv: str) -> list[Any]:
    """The JSON lines the command printed (what the functions printed before is set aside)."""
    capsys.readouterr()
    assert main(["--stack", "in-moto", *argv], target=target) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_a_parked_entry_is_listed_and_redriven_then_delivered_by_the_next_sweep(
    shop: Shop, alice: Member, target: Target, monkeypatch, capsys
) -> None:
    shop.add_product(preorder("miku-2027"))
    monkeypatch.setattr(ses, "send", ses_down)
    number = place_preorder(shop, alice)
    shop.deliver_outbox()
    for _ in range(PARK_AFTER_SWEEPS):
        shop.clock.advance(SWEEP_AFTER + timedelta(seconds=1))
        shop.sweep_outbox()
    monkeypatch.undo()
    capsys.readouterr()

    (listed,) = run(target, capsys, "outbox", "list")
    (redriven,) = run(target, capsys, "outbox", "redrive", "--all")
    swept = shop.sweep_outbox()

    assert listed["orderNumber"] == number
    assert listed["sweepAttempts"] == PARK_AFTER_SWEEPS
    assert "text" not in listed
    assert redriven == {"redriven": [listed["outboxId"]]}
    assert swept["delivered"] == 1
    assert [m.subject for m in shop.emails_to(alice.email)] == [f"Order confirmation {number}"]
    assert run(target, capsys, "outbox", "list") == []


def test_a_payment_event_in_its_dead_letter_queue_goes_back_to_the_bus_as_it_was(
    shop: Shop, alice: Member, target: Target, capsys
) -> None:
    # What EventBridge parks after its retries is the event itself (EventBridge User Guide, dead-letter queues)
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    detail = {"orderNumber": number, "settlementId": f"{number}#{order_of(number).settlement_attempt}"}
    event = shop.payment_event("PaymentSucceeded", detail)
    sqs = shop.session.client("sqs")
    sqs.send_message(QueueUrl=target.queues["PaymentEventsDeadLetterQueue"], MessageBody=json.dumps(event))
    events = shop.session.client("events")
    watcher = sqs.create_queue(QueueName="watch-the-bus")["QueueUrl"]
    watcher_arn = sqs.get_queue_attributes(QueueUrl=watcher, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(
        Name="watch", EventBusName=target.bus_name, EventPattern=json.dumps({"detail-type": ["PaymentSucceeded"]})
    )
    events.put_targets(Rule="watch", EventBusName=target.bus_name, Targets=[{"Id": "q", "Arn": watcher_arn}])

    (listed,) = run(target, capsys, "dlq", "list", "payment-events")
    (redriven,) = run(target, capsys, "dlq", "redrive", "payment-events")
    (arrived,) = sqs.receive_message(QueueUrl=watcher, MaxNumberOfMessages=10)["Messages"]
    put_back = json.loads(arrived["Body"])

    assert listed["body"]["detail"] == detail
    assert redriven == {"redriven": 1}
    assert (put_back["source"], put_back["detail-type"], put_back["detail"]) == (
        event["source"],
        "PaymentSucceeded",
        detail,
    )
    assert run(target, capsys, "dlq", "list", "payment-events") == []
    events.remove_targets(Rule="watch", EventBusName=target.bus_name, Ids=["q"])
    events.delete_rule(Name="watch", EventBusName=target.bus_name)


def test_a_shipping_date_job_goes_back_to_the_workers_queue(shop: Shop, target: Target, capsys) -> None:
    sqs = shop.session.client("sqs")
    job = {"kind": "example", "productId": "miku-2027"}
    sqs.send_message(QueueUrl=target.queues["ShippingDateDeadLetterQueue"], MessageBody=json.dumps(job))

    (redriven,) = run(target, capsys, "dlq", "redrive", "shipping-date")
    (back,) = sqs.receive_message(QueueUrl=target.queues["ShippingDateQueue"], MaxNumberOfMessages=10)["Messages"]

    assert redriven == {"redriven": 1}
    assert json.loads(back["Body"]) == job


def test_a_settlement_request_that_outlasted_its_retries_goes_back_to_the_settlement_queue(
    shop: Shop, target: Target, capsys
) -> None:
    # rule P3: a request Stripe never answered waits in the DLQ; redriven, it is charged under the same key.
    sqs = shop.session.client("sqs")
    request = {"detail-type": "SettlementRequested", "detail": {"settlementId": "ABCD-EFGH-JKMN-PQRS#1"}}
    sqs.send_message(QueueUrl=target.queues["SettlementDeadLetterQueue"], MessageBody=json.dumps(request))

    (redriven,) = run(target, capsys, "dlq", "redrive", "settlement")
    (back,) = sqs.receive_message(QueueUrl=target.queues["SettlementQueue"], MaxNumberOfMessages=10)["Messages"]

    assert redriven == {"redriven": 1}
    assert json.loads(back["Body"]) == request


def test_the_outboxs_stream_failures_are_not_redriven_but_purged_once_read(shop: Shop, target: Target, capsys) -> None:
    # The stream's failure record names a place in the stream, not an email: the sweeper re-sends the entries.
    sqs = shop.session.client("sqs")
    sqs.send_message(
        QueueUrl=target.queues["OutboxDeadLetterQueue"], MessageBody=json.dumps({"DDBStreamBatchInfo": {}})
    )

    refused = main(["--stack", "in-moto", "dlq", "redrive", "outbox"], target=target)
    (purged,) = run(target, capsys, "dlq", "purge", "outbox")

    assert refused == 2
    assert "purge them once read" in capsys.readouterr().err or purged == {"purged": 1}
    assert purged == {"purged": 1}
