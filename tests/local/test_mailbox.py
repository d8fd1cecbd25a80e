"""The local mailbox shows each email as a member gets it: from, to, date, subject and both parts (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from local import mailbox
from local.provision import REGION
from shop.clock import FixedClock

SENT_AT = datetime(2027, 6, 20, 9, 30, tzinfo=UTC)


@pytest.fixture
def session() -> Iterator[boto3.session.Session]:
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        session.client("ses").verify_email_identity(EmailAddress="shop@example.com")
        mailbox.empty()
        yield session
        mailbox.empty()


def send(session: boto3.session.Session, to: str, subject: str) -> str:
    reply = session.client("sesv2").send_email(
        FromEmailAddress="shop@example.com",
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": subject},
                "Body": {"Text": {"Data": f"Text of {subject}"}, "Html": {"Data": f"<p>HTML of {subject}</p>"}},
            }
        },
    )
    return str(reply["MessageId"])


def test_an_email_keeps_both_parts_the_sender_and_the_shop_time_it_was_sent(session: boto3.session.Session) -> None:
    # given the mailbox listening to the shop's session, the shop's clock at SENT_AT
    mailbox.listen(session, FixedClock(SENT_AT))

    # when
    message_id = send(session, "alex@example.com", "Order confirmation 1")

    # then
    (mail,) = mailbox.all_mail()
    assert mail.to_json() == {
        "id": message_id,
        "from": "shop@example.com",
        "to": ["alex@example.com"],
        "date": "2027-06-20T09:30:00.000Z",
        "subject": "Order confirmation 1",
        "text": "Text of Order confirmation 1",
        "html": "<p>HTML of Order confirmation 1</p>",
    }


def test_the_newest_email_comes_first(session: boto3.session.Session) -> None:
    mailbox.listen(session, FixedClock(SENT_AT))
    send(session, "alex@example.com", "first")
    send(session, "alex@example.com", "second")

    assert [mail.subject for mail in mailbox.all_mail()] == ["second", "first"]


def test_the_message_page_shows_the_headers_and_both_parts_with_the_html_escaped_in_its_frame(
    session: boto3.session.Session,
) -> None:
    mailbox.listen(session, FixedClock(SENT_AT))
    send(session, "alex@example.com", "Order <1>")

    page = mailbox.message_page(mailbox.all_mail()[0])

    assert '<td id="from">shop@example.com</td>' in page
    assert '<td id="date">2027-06-20T09:30:00.000Z</td>' in page
    assert "<strong>Order &lt;1&gt;</strong>" in page
    assert 'srcdoc="&lt;p&gt;HTML of Order &lt;1&gt;&lt;/p&gt;"' in page
    assert '<pre id="text-part" hidden>Text of Order &lt;1&gt;</pre>' in page
