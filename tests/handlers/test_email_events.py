"""Rule E1: an address SES reports as bouncing or complaining is marked undeliverable: no more order emails go
to it, the member and staff see it on the order, and a lost email about money or a deadline is alarmed.

The events are SES event-publishing records as SNS delivers them to a function (SES Developer Guide,
"Contents of event data that Amazon SES publishes to Amazon SNS"; Lambda Developer Guide, SNS events).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.simulator import MailboxSimulator
from shop_aws import ses
from shop_aws.dynamodb.undeliverable import undeliverable
from tests.support.metrics import emitted
from tests.support.orders import a_paid_order, a_preorder, payment_fails, ship
from tests.support.shop import Member, Shop, confirm_shipping_date


def ses_event(
    event_type: str, address: str, kind: str, order: str | None = None, bounce_type: str = "Permanent"
) -> dict[str, Any]:
    tags = {"ses:configuration-set": ["preorder-shop-local-emails"], "kind": [kind]}
    if order:
        tags["order"] = [order]
    message: dict[str, Any] = {
        "eventType": event_type,
        "mail": {"messageId": "0100-example", "destination": [address], "tags": tags},
    }
    if event_type == "Bounce":
        message["bounce"] = {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": address}]}
    else:
        message["complaint"] = {"complainedRecipients": [{"emailAddress": address}]}
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:us-east-1:123456789012:email-events:1",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": "m-1",
                    "TopicArn": "arn:aws:sns:us-east-1:123456789012:email-events",
                    "Message": json.dumps(message),
                    "Timestamp": "2026-12-01T09:00:00.000Z",
                    "MessageAttributes": {},
                },
            }
        ]
    }


def test_a_permanent_bounce_marks_the_address_undeliverable(shop: Shop, alice: Member) -> None:
    # rule E1
    result = shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "order_confirmation"))

    assert result == {"marked": 1}
    marked = undeliverable(alice.email)
    assert marked is not None
    assert marked["reason"] == "Bounce"


def test_a_complaint_marks_the_address_undeliverable(shop: Shop, alice: Member) -> None:
    # rule E1: a member who reports the shop's email as spam gets no more of it
    shop.invoke("EmailEventsFunction", ses_event("Complaint", alice.email, "order_shipped"))

    assert undeliverable(alice.email.upper()) is not None


def test_a_transient_bounce_changes_nothing(shop: Shop, alice: Member) -> None:
    # rule E1: SES retries a full mailbox itself
    result = shop.invoke(
        "EmailEventsFunction", ses_event("Bounce", alice.email, "order_shipped", bounce_type="Transient")
    )

    assert result == {"marked": 0}
    assert undeliverable(alice.email) is None


def test_no_order_email_is_sent_to_an_undeliverable_address_and_the_order_says_so(shop: Shop, alice: Member) -> None:
    # rule E1
    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "welcome"))

    number = a_preorder(shop, alice)
    shop.deliver_outbox()
    answer = shop.call("GET", f"/orders/{number}", member=alice)

    assert shop.emails_to(alice.email) == []
    assert answer.body["emailUndeliverable"]["address"] == alice.email
    assert answer.body["emailUndeliverable"]["lostEmailKind"] == "welcome"


def test_staff_see_the_undeliverable_address_on_the_order(shop: Shop, alice: Member) -> None:
    # rule E1
    number = a_paid_order(shop, alice)
    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "order_confirmation", number))

    answer = ship(shop, number)

    assert answer.status == 200, answer
    assert answer.body["emailUndeliverable"]["address"] == alice.email
    assert answer.body["emailUndeliverable"]["reason"] == "Bounce"


def test_a_bounced_payment_failed_email_raises_the_urgent_alarms_metric(
    shop: Shop, alice: Member, capsys, caplog
) -> None:
    # rule E1: a member whose payment-failure email bounced must not lose the order without anyone knowing
    number = a_preorder(shop, alice)
    confirm_shipping_date(shop, number)
    payment_fails(shop, number)
    capsys.readouterr()

    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "payment_failed", number))

    output = capsys.readouterr().out
    assert emitted(output, "UrgentEmailsUndeliverable") == 1
    assert emitted(output, "EmailsUndeliverable") == 1
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "an email about money or a deadline was not delivered" in logged.getMessage()
    assert logged.order_number == number


def test_a_bounced_shipping_email_is_not_urgent(shop: Shop, alice: Member, capsys) -> None:
    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "order_shipped"))

    assert emitted(capsys.readouterr().out, "UrgentEmailsUndeliverable") == 0


@pytest.mark.parametrize("kind", ["email_verification", "password_reset"])
def test_an_email_the_member_just_asked_for_is_still_sent(shop: Shop, alice: Member, kind: str, monkeypatch) -> None:
    # rule E1: the member proves the mailbox works again by asking; SES decides whether it arrives
    from use_cases import outbox

    shop.invoke("EmailEventsFunction", ses_event("Bounce", alice.email, "welcome"))
    sent = []
    monkeypatch.setattr(ses, "send", lambda *args, **kwargs: sent.append(args) or "m-1")

    outbox.deliver(
        {
            "kind": "EMAIL",
            "emailKind": kind,
            "to": alice.email,
            "subject": "s",
            "text": "t",
            "html": "h",
            "outboxId": "o-1",
        }
    )

    assert len(sent) == 1


def test_every_email_is_sent_through_the_configuration_set_with_its_kind_and_order(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # rule E1: the tags come back in SES's bounce event, so the shop knows what was lost
    calls = []
    real_client = ses.client

    class Recording:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def send_email(self, **request: Any) -> Any:
            calls.append(request)
            return self.inner.send_email(**request)

    monkeypatch.setattr(ses, "client", lambda name: Recording(real_client(name)))
    number = a_preorder(shop, alice)

    shop.deliver_outbox()

    (request,) = calls
    assert request["ConfigurationSetName"] == shop.stack.ref("EmailConfigurationSet")
    assert {"Name": "kind", "Value": "order_confirmation"} in request["EmailTags"]
    assert {"Name": "order", "Value": number} in request["EmailTags"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [("bounce@simulator.amazonses.com", "Bounce"), ("complaint+alice@simulator.amazonses.com", "Complaint")],
)
def test_the_local_stacks_mailbox_simulator_bounces_ses_test_addresses_end_to_end(
    shop: Shop, address: str, reason: str
) -> None:
    # rule E1, seen locally as on AWS: SES's mailbox simulator addresses bounce or complain
    simulator = MailboxSimulator(shop.session, shop.stack, shop.functions)
    simulator.skip_to_end()
    member = Member(member_id="5e1f-simulated", email=address)
    number = a_preorder(shop, member)
    shop.deliver_outbox()

    answered = simulator.step()
    confirm_shipping_date(shop, number)
    shop.deliver_outbox()
    answer = shop.call("GET", f"/orders/{number}", member=member)

    assert answered == 1
    assert [m.subject for m in shop.emails_to(address)] == [f"Order confirmation {number}"]
    assert answer.body["emailUndeliverable"] == {
        "address": address,
        "since": answer.body["emailUndeliverable"]["since"],
        "reason": reason,
        "lostEmailKind": "order_confirmation",
    }


def test_the_mailbox_simulator_leaves_other_addresses_alone(shop: Shop, alice: Member) -> None:
    simulator = MailboxSimulator(shop.session, shop.stack, shop.functions)
    simulator.skip_to_end()
    a_preorder(shop, alice)
    shop.deliver_outbox()

    assert simulator.step() == 0
    assert undeliverable(alice.email) is None
