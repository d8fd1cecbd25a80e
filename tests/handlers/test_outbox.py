"""The outbox: emails and events leave after the state change commits, once, and are never lost."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from shop_aws import ses
from shop_aws.dynamodb import sent_emails
from tests.support.builders import preorder
from tests.support.shop import Member, Shop, orders_in_table, place_preorder


def ses_down(*args: Any, **kwargs: Any) -> str:
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES is down"}}, "SendEmail")


def test_an_order_is_placed_even_while_ses_is_failing(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule O10: a failing SES never fails or undoes an order
    shop.add_product(preorder("miku-2027"))
    monkeypatch.setattr(ses, "send", ses_down)

    number = place_preorder(shop, alice)
    dropped = shop.deliver_outbox()

    assert [order["orderNumber"] for order in orders_in_table(shop)] == [number]
    assert dropped == 1
    assert shop.sent_emails() == []


def test_an_email_that_failed_is_delivered_once_when_retried(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule O10: delivered exactly once after SES recovers
    shop.add_product(preorder("miku-2027"))
    real_send = ses.send
    attempts = {"count": 0}

    def fails_twice(*args: Any, **kwargs: Any) -> str:
        attempts["count"] += 1
        if attempts["count"] <= 2:
            return ses_down()
        return real_send(*args, **kwargs)

    monkeypatch.setattr(ses, "send", fails_twice)
    number = place_preorder(shop, alice)

    dropped = shop.deliver_outbox()

    assert dropped == 0
    assert [m.subject for m in shop.emails_to(alice.email)] == [f"Order confirmation {number}"]


def test_a_record_delivered_twice_sends_its_email_once(shop: Shop, alice: Member) -> None:
    # rule O10: the stream delivers at least once; the outbox id makes it once
    shop.add_product(preorder("miku-2027"))
    place_preorder(shop, alice)
    records = [shop.outbox._as_lambda_record(r) for r in shop.outbox._new_records()]
    outbox_records = [r for r in records if r["dynamodb"]["Keys"]["PK"]["S"].startswith("OUTBOX#")]

    shop.invoke("OutboxDispatcherFunction", {"Records": outbox_records})
    shop.invoke("OutboxDispatcherFunction", {"Records": outbox_records})

    assert len(shop.sent_emails()) == 1


def test_only_new_outbox_entries_are_dispatched(shop: Shop, alice: Member) -> None:
    # the template's stream filter: order writes and updates never reach the dispatcher
    shop.add_product(preorder("miku-2027"))
    place_preorder(shop, alice)
    shop.deliver_outbox()

    shop.deliver_outbox()

    assert len(shop.sent_emails()) == 1


def test_an_email_about_an_order_is_recorded_in_its_history_with_subject_and_time(shop: Shop, alice: Member) -> None:
    # rule M6
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)

    shop.deliver_outbox()

    assert [entry["subject"] for entry in sent_emails.email_history(number)] == [f"Order confirmation {number}"]


def test_a_failed_email_leaves_no_history_entry(shop: Shop, alice: Member, monkeypatch) -> None:
    # rule M6: the history lists what was sent, not what was meant to be
    shop.add_product(preorder("miku-2027"))
    monkeypatch.setattr(ses, "send", ses_down)
    number = place_preorder(shop, alice)

    shop.deliver_outbox()

    assert sent_emails.email_history(number) == []
