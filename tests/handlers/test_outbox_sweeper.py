"""The outbox never loses an email: the sweeper re-delivers what the stream left pending, once, and parks
what keeps failing (issue 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from use_cases.outbox_delivery import PARK_AFTER_SWEEPS, SWEEP_AFTER

from shop_aws import ses
from shop_aws.dynamodb import outbox as outbox_store
from tests.support.builders import preorder
from tests.support.metrics import emitted
from tests.support.shop import Member, Shop, outbox_entries, place_preorder

# The sweeper's schedule is a little more than the delay after which it takes over from the stream.
A_SWEEP_LATER = SWEEP_AFTER + timedelta(seconds=1)


def ses_down(*args: Any, **kwargs: Any) -> str:
    raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "SES is down"}}, "SendEmail")


def pending_index(shop: Shop, partition: str = outbox_store.PENDING) -> list[dict[str, Any]]:
    """What the sparse index holds, read as the sweeper reads it."""
    return list(outbox_store.entries_in(partition))


@pytest.fixture
def an_order_email_ses_refused(shop: Shop, alice: Member, monkeypatch) -> str:
    """An order placed while SES was down: its confirmation failed every retry of the stream."""
    shop.add_product(preorder("miku-2027"))
    monkeypatch.setattr(ses, "send", ses_down)
    number = place_preorder(shop, alice)
    shop.deliver_outbox()
    return number


def test_a_delivered_entry_leaves_the_pending_index(shop: Shop, alice: Member) -> None:
    shop.add_product(preorder("miku-2027"))
    place_preorder(shop, alice)
    assert len(pending_index(shop)) == 1

    shop.deliver_outbox()

    assert pending_index(shop) == []
    assert "deliveredAt" in outbox_entries(shop)[0]


def test_the_pending_index_holds_only_what_is_not_delivered_so_sweeps_read_little(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    shop.add_product(preorder("miku-2027"))
    for index in range(5):
        place_preorder(shop, alice, key=f"delivered-{index}")
    shop.deliver_outbox()
    monkeypatch.setattr(ses, "send", ses_down)
    left = place_preorder(shop, alice, key="left-pending")
    shop.deliver_outbox()

    (pending,) = pending_index(shop)

    assert len(outbox_entries(shop)) == 6
    assert pending["orderNumber"] == left


def test_the_sweeper_leaves_an_entry_younger_than_the_sweep_delay_to_the_stream(
    shop: Shop, an_order_email_ses_refused: str, monkeypatch
) -> None:
    monkeypatch.undo()
    shop.clock.advance(SWEEP_AFTER / 2)

    run = shop.sweep_outbox()

    assert run["delivered"] == 0
    assert shop.sent_emails() == []


def test_an_entry_the_stream_delivered_but_could_not_mark_is_not_sent_again_by_the_sweeper(
    shop: Shop, alice: Member, monkeypatch
) -> None:
    # idempotent with the stream: one key per entry, shared by the dispatcher and the sweeper
    shop.add_product(preorder("miku-2027"))
    number = place_preorder(shop, alice)
    real_mark = outbox_store.mark_delivered

    def table_refuses(*args: Any, **kwargs: Any) -> bool:
        raise ClientError({"Error": {"Code": "InternalServerError", "Message": "try again"}}, "UpdateItem")

    monkeypatch.setattr(outbox_store, "mark_delivered", table_refuses)
    shop.deliver_outbox()
    monkeypatch.setattr(outbox_store, "mark_delivered", real_mark)
    shop.clock.advance(SWEEP_AFTER * 2)

    run = shop.sweep_outbox()

    assert run["delivered"] == 1
    assert [m.subject for m in shop.emails_to(alice.email)] == [f"Order confirmation {number}"]
    assert pending_index(shop) == []


def test_an_entry_that_fails_every_sweep_is_parked_counted_and_left_alone(
    shop: Shop, an_order_email_ses_refused: str, capsys
) -> None:
    runs = []
    for _ in range(PARK_AFTER_SWEEPS):
        shop.clock.advance(A_SWEEP_LATER)
        runs.append(shop.sweep_outbox())
    parked_output = capsys.readouterr().out
    shop.clock.advance(SWEEP_AFTER)

    after = shop.sweep_outbox()

    assert [run["failed"] for run in runs] == [1] * (PARK_AFTER_SWEEPS - 1) + [0]
    assert runs[-1]["parked"] == 1
    assert emitted(parked_output, "OutboxEntriesParked") == 1
    assert pending_index(shop) == []
    (parked,) = pending_index(shop, outbox_store.PARKED)
    assert parked["sweepAttempts"] == PARK_AFTER_SWEEPS
    assert "SES is down" in parked["lastError"]
    assert after == {"delivered": 0, "failed": 0, "parked": 0, "busy": 0, "finished": True}


def test_a_parked_entry_redriven_is_delivered_once_by_the_next_sweep(
    shop: Shop, alice: Member, an_order_email_ses_refused: str, monkeypatch
) -> None:
    for _ in range(PARK_AFTER_SWEEPS):
        shop.clock.advance(A_SWEEP_LATER)
        shop.sweep_outbox()
    (parked,) = pending_index(shop, outbox_store.PARKED)
    monkeypatch.undo()

    redriven = outbox_store.redrive_parked(parked["outboxId"], shop.now())
    run = shop.sweep_outbox()
    again = shop.sweep_outbox()

    assert redriven is True
    assert run["delivered"] == 1
    assert again["delivered"] == 0
    assert [m.subject for m in shop.emails_to(alice.email)] == [f"Order confirmation {an_order_email_ses_refused}"]
    assert pending_index(shop, outbox_store.PARKED) == []
