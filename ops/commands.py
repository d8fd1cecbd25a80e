"""What an operator does after an alarm: look at what is parked, and send it on again.

- Parked outbox entries (OutboxParkedAlarm): listed from the PendingOutbox index; a redrive sends them
  back to the sweeper, which delivers them once (idempotently) on its next run.
- Payment events (PaymentEventsDeadLetterAlarm): EventBridge put the event itself in the queue; a redrive
  puts it back on the shop's bus, where the payment functions apply it (idempotently).
- Shipping-date jobs (ShippingDateDeadLetterAlarm): sent back to the worker's queue.
- Settlement requests (SettlementDeadLetterAlarm) and payment-customer erasures
  (PaymentCustomerErasureDeadLetterAlarm): sent back to their function's queue (both are idempotent).
- The outbox's stream failures and the schedules' failed runs only say that something failed: the
  sweeper re-sends the outbox entries and the schedules run again by themselves, so these are purged
  once read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3

from ops.target import DEAD_LETTER_QUEUES, JOB_QUEUES, Target
from shop.clock import SystemClock
from shop_aws.dynamodb import outbox as outbox_store

REDRIVABLE = {"payment-events", *JOB_QUEUES}


def parked_entries() -> list[dict[str, Any]]:
    return list(outbox_store.entries_in(outbox_store.PARKED))


def redrive_parked(outbox_ids: list[str]) -> list[str]:
    """Sends the parked entries back to the sweeper; returns the ids that were parked (others are ignored)."""
    now = SystemClock().now()
    return [outbox_id for outbox_id in outbox_ids if outbox_store.redrive_parked(outbox_id, now)]


def _sqs() -> Any:
    return boto3.client("sqs")


def _messages(queue_url: str, visibility_timeout: int) -> Iterator[dict[str, Any]]:
    sqs = _sqs()
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=visibility_timeout,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not batch:
            return
        yield from batch


def peek(target: Target, queue: str, limit: int = 50) -> list[dict[str, Any]]:
    """The queue's messages (bodies as JSON when they are), without taking them off the queue for long."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for message in _messages(target.queues[DEAD_LETTER_QUEUES[queue]], visibility_timeout=0):
        if message["MessageId"] in seen or len(found) >= limit:
            break
        seen.add(message["MessageId"])
        try:
            body: Any = json.loads(message["Body"])
        except json.JSONDecodeError:
            body = message["Body"]
        found.append({"messageId": message["MessageId"], "body": body, "attributes": message.get("Attributes", {})})
    return found


def redrive(target: Target, queue: str) -> int:
    """Sends every message of a dead-letter queue back where it failed; returns how many went."""
    if queue not in REDRIVABLE:
        raise ValueError(f"{queue} messages are not redriven: purge them once read (see docs/operations.md)")
    sqs = _sqs()
    dlq = target.queues[DEAD_LETTER_QUEUES[queue]]
    sent = 0
    for message in _messages(dlq, visibility_timeout=60):
        if queue == "payment-events":
            event = json.loads(message["Body"])
            answer = boto3.client("events").put_events(
                Entries=[
                    {
                        "Source": event["source"],
                        "DetailType": event["detail-type"],
                        "Detail": json.dumps(event["detail"]),
                        "EventBusName": target.bus_name,
                    }
                ]
            )
            if answer.get("FailedEntryCount", 0):
                raise RuntimeError(f"the bus refused the event {event.get('id')}: {answer['Entries']}")
        else:
            sqs.send_message(QueueUrl=target.queues[JOB_QUEUES[queue]], MessageBody=message["Body"])
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
        sent += 1
    return sent


def purge(target: Target, queue: str) -> int:
    """Deletes every message of a dead-letter queue (after reading them); returns how many."""
    sqs = _sqs()
    dlq = target.queues[DEAD_LETTER_QUEUES[queue]]
    removed = 0
    for message in _messages(dlq, visibility_timeout=60):
        sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
        removed += 1
    return removed
