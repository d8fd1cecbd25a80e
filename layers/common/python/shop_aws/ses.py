"""Sending email through SES v2, with both a text and an HTML body."""

from __future__ import annotations

from shop_aws.clients import client
from shop_aws.settings import settings


def send(to: str, subject: str, text: str, html: str, tags: dict[str, str] | None = None) -> str:
    """Send one email; returns SES's message id. Raises on failure so the outbox retries.

    Through the stack's configuration set, so SES reports bounces and complaints (rule E1), with tags (the
    email's kind and order) that come back in those reports.
    """
    response = client("sesv2").send_email(
        FromEmailAddress=settings().sender_address,
        Destination={"ToAddresses": [to]},
        ConfigurationSetName=settings().ses_configuration_set,
        EmailTags=[{"Name": name, "Value": value} for name, value in (tags or {}).items()],
        Content={
            "Simple": {
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}, "Html": {"Data": html, "Charset": "UTF-8"}},
            }
        },
    )
    return str(response["MessageId"])
