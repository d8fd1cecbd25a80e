"""What the outbox dispatcher sends: the email rendered from the entry's values (issue 14)."""

from __future__ import annotations

import json

from shop import emails
from shop_aws.dynamodb.outbox import outbox_email, put_outbox
from shop_aws.dynamodb.transactions import transact
from shop_aws.settings import settings
from tests.support.builders import preorder
from tests.support.shop import Member, Shop, outbox_entries, place_preorder


def test_the_checkout_writes_the_emails_values_and_the_dispatcher_renders_them(shop: Shop, alice: Member) -> None:
    # rule O10: the confirmation is decided with the order; its words are rendered when it is sent
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    (entry,) = [e for e in outbox_entries(shop) if e.get("emailKind") == "order_confirmation"]

    shop.deliver_outbox()

    assert "html" not in entry
    assert json.loads(entry["values"])["order"]["number"] == number
    (sent,) = shop.emails_to(alice.email)
    assert sent.subject == f"Order confirmation {number}"
    assert f'href="{settings().front_end_url.rstrip("/")}/account/orders/{number}"' in sent.body


def test_an_entry_written_before_rendering_moved_is_sent_as_it_was(shop: Shop) -> None:
    # entries live 30 days: one a previous release wrote, with its text and HTML, still goes out unchanged
    entry = outbox_email(emails.welcome("yuki@example.com", "Yuki"), shop.now())
    entry.attributes.pop("values")
    entry.attributes.update(subject="Welcome", text="Dear Yuki,", html="<p>Dear Yuki,</p>")
    transact([put_outbox(entry)])

    shop.deliver_outbox()

    (sent,) = shop.emails_to("yuki@example.com")
    assert (sent.subject, sent.body) == ("Welcome", "<p>Dear Yuki,</p>")
