"""E1: SES's bounce and complaint events (event publishing through the configuration set, via SNS) mark the
address undeliverable; an urgent lost email (about money or a deadline) is counted for its alarm."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from shop.undeliverable import URGENT_KINDS, makes_undeliverable
from shop_aws.dynamodb.undeliverable import mark_undeliverable
from shop_aws.runtime import clock, logger, metrics


class _Recipient(BaseModel):
    email_address: str = Field(alias="emailAddress")


class _Bounce(BaseModel):
    bounce_type: str = Field(alias="bounceType")
    bounced_recipients: list[_Recipient] = Field(alias="bouncedRecipients")


class _Complaint(BaseModel):
    complained_recipients: list[_Recipient] = Field(alias="complainedRecipients")


class _Mail(BaseModel):
    message_id: str = Field(alias="messageId")
    tags: dict[str, list[str]] = Field(default_factory=dict)


class SesEvent(BaseModel):
    """The fields of an SES event-publishing record the shop reads (SES Developer Guide, "Contents of
    event data that Amazon SES publishes to Amazon SNS")."""

    event_type: str = Field(alias="eventType")
    mail: _Mail
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None


def record(message: dict[str, Any]) -> int:
    """Marks the event's recipients undeliverable when it says so; returns how many were newly marked."""
    event = SesEvent.model_validate(message)
    bounce_type = event.bounce.bounce_type if event.bounce else None
    if not makes_undeliverable(event.event_type, bounce_type):
        logger.info("email event needs nothing", extra={"event_type": event.event_type, "bounce_type": bounce_type})
        return 0
    recipients = event.bounce.bounced_recipients if event.bounce else []
    if event.complaint:
        recipients = event.complaint.complained_recipients
    kind = next(iter(event.mail.tags.get("kind", [])), None)
    order_number = next(iter(event.mail.tags.get("order", [])), None)
    marked = 0
    for recipient in recipients:
        if mark_undeliverable(recipient.email_address, event.event_type, kind, order_number, clock().now()):
            marked += 1
    metrics.add_metric(name="EmailsUndeliverable", unit="Count", value=len(recipients))
    if kind in URGENT_KINDS:
        metrics.add_metric(name="UrgentEmailsUndeliverable", unit="Count", value=len(recipients))
        logger.error(
            "an email about money or a deadline was not delivered: tell the member another way",
            extra={"email_kind": kind, "order_number": order_number, "ses_message_id": event.mail.message_id},
        )
    return marked
