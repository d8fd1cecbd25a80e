"""E1: undeliverable addresses. Pure rules: which SES events make an address undeliverable, which emails
still go to it, and which lost emails need a person's attention."""

from __future__ import annotations

# Lost emails that cost the member money or an order when nobody notices (alarmed, rule E1).
URGENT_KINDS = frozenset({"payment_failed", "resettlement_reminder"})
# Emails the member asks for right now, which prove that the mailbox works again: still sent.
ASKED_FOR_KINDS = frozenset({"email_verification", "password_reset"})


def makes_undeliverable(event_type: str, bounce_type: str | None) -> bool:
    """A permanent bounce or a complaint; SES retries transient bounces itself, so they do not count."""
    if event_type == "Complaint":
        return True
    return event_type == "Bounce" and bounce_type == "Permanent"


def still_sent(email_kind: str) -> bool:
    return email_kind in ASKED_FOR_KINDS
