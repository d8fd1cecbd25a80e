"""Delivering the outbox: emails through SES (and into the order's history, M6), events to the shop's bus,
fan-out jobs to the shipping-date queue (C2). Idempotency per entry is the handler's, around this."""

from __future__ import annotations

import json
from typing import Any

from shop.email_rendering import render
from shop.undeliverable import still_sent
from shop_aws import eventbridge, ses, sqs
from shop_aws.dynamodb.outbox import email_of
from shop_aws.dynamodb.sent_emails import record_email_sent
from shop_aws.dynamodb.undeliverable import undeliverable
from shop_aws.runtime import clock, logger, metrics
from shop_aws.settings import settings


def deliver(entry: dict[str, Any]) -> dict[str, str]:
    """Deliver one entry; raises on failure, so the stream retries it."""
    if entry["kind"] == "EMAIL":
        if not still_sent(entry["emailKind"]) and undeliverable(entry["to"]) is not None:
            # E1: SES reported the address as bouncing or complaining; sending again would hurt the shop's
            # sending reputation and reach nobody. The member sees it on their orders, staff in the order.
            metrics.add_metric(name="EmailsNotSentUndeliverable", unit="Count", value=1)
            logger.warning("email not sent: address undeliverable", extra={"outbox_id": entry["outboxId"]})
            return {"notSent": "undeliverable"}
        subject, text, html = _email_parts(entry)
        tags = {"kind": entry["emailKind"], **({"order": entry["orderNumber"]} if entry.get("orderNumber") else {})}
        message_id = ses.send(entry["to"], subject, text, html, tags)
        record_email_sent(entry["outboxId"], entry.get("orderNumber"), subject, entry["emailKind"], clock().now())
        metrics.add_metric(name="EmailsSent", unit="Count", value=1)
        logger.info("email sent", extra={"outbox_id": entry["outboxId"], "email_kind": entry["emailKind"]})
        return {"messageId": message_id}
    if entry["kind"] == "JOB":
        sqs.send_all(settings().shipping_date_queue_url, [json.loads(entry["body"])])
        logger.info("job queued", extra={"outbox_id": entry["outboxId"]})
        return {"queued": "1"}
    event_id = eventbridge.put(entry["detailType"], entry["detail"])
    logger.info("event put", extra={"outbox_id": entry["outboxId"], "detail_type": entry["detailType"]})
    return {"eventId": event_id}


def _email_parts(entry: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML: rendered now from the entry's values, or as written by a release that
    rendered emails before writing them to the outbox (entries live 30 days)."""
    if "values" not in entry:
        return str(entry["subject"]), str(entry["text"]), str(entry["html"])
    rendered = render(email_of(entry), settings().front_end_url)
    return rendered.subject, rendered.text, rendered.html
