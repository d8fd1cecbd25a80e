"""POST /admin/products/{productId}/release-date: a release date moves and every open order is told (rule C2)."""

from __future__ import annotations

import json
import re
from typing import Any

from use_cases import shipping_dates

from shop_aws import sqs
from shop_aws.dynamodb import products as product_store
from tests.support.builders import cart, in_stock, preorder
from tests.support.orders import STAFF, a_paid_order, a_preorder, a_shipped_order, cancel, order_of
from tests.support.shop import Api, ApiWithoutAws, Member, Shop, checkout, outbox_entries, state_of


def move(shop: Api, product_id: str, release_date: str, member: Member = STAFF):
    return shop.call("POST", f"/admin/products/{product_id}/release-date", {"releaseDate": release_date}, member=member)


def announce(shop: Shop) -> None:
    """What happens after the answer: the outbox queues the fan-out, the worker tells each order, the emails go."""
    for _ in range(3):
        shop.deliver_outbox()
        shop.shipping_queue.drain()
    shop.deliver_outbox()


def release_emails(shop: Shop, member: Member) -> list[Any]:
    return [m for m in shop.emails_to(member.email) if m.subject.startswith("New release date")]


def test_staff_move_a_release_date_and_the_catalogue_shows_it(shop: Shop) -> None:
    # rule C2
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))

    answer = move(shop, "miku-2027", "2027-06")

    assert answer.status == 202
    assert answer.body == {
        "status": "ACCEPTED",
        "productId": "miku-2027",
        "previousReleaseDate": "2027-03",
        "releaseDate": "2027-06",
    }
    assert shop.product("miku-2027").release_date == "2027-06"


def test_every_open_order_of_the_product_gets_one_email_with_the_old_and_new_date(
    shop: Shop, alice: Member, bob: Member, monkeypatch
) -> None:
    # rule C2: fanned out page by page, as for shipping dates
    # given four open orders of two members, and pages of two
    monkeypatch.setattr(shipping_dates, "PAGE_SIZE", 2)
    shop.add_product(preorder("miku-2027", releaseDate="2027-03", name="Snow Miku"))
    alices = [a_preorder(shop, alice, key=f"a{index}") for index in range(3)]
    bobs = a_preorder(shop, bob, key="b")
    shop.deliver_outbox()

    # when
    move(shop, "miku-2027", "2027-06")
    announce(shop)

    # then
    assert sorted(m.subject for m in release_emails(shop, alice)) == sorted(
        f"New release date for order {number}: 2027-06" for number in alices
    )
    (email,) = release_emails(shop, bob)
    assert re.search(r"The release date of Snow Miku has moved from 2027-03 to <span[^>]*>2027-06</span>", email.body)
    assert f">{bobs}</strong>" in email.body


def test_the_orders_line_shows_the_new_release_date(shop: Shop, alice: Member) -> None:
    # rule C2
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    number = a_preorder(shop, alice)

    move(shop, "miku-2027", "2027-01-20")
    announce(shop)

    assert [line.release_date for line in order_of(number).lines] == ["2027-01-20"]
    history = shop.call("GET", f"/orders/{number}", member=alice).body["history"]
    assert "release_date_changed" in [entry["kind"] for entry in history]


def test_nothing_is_cancelled(shop: Shop, alice: Member) -> None:
    # rule C2: a release-date change is never a ground for cancellation
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    reserved = a_preorder(shop, alice, key="reserved")
    paid = a_paid_order(shop, alice, key="paid")

    move(shop, "miku-2027", "2028-03")
    announce(shop)

    assert (state_of(reserved), state_of(paid)) == ("RESERVED", "PAID")
    assert [m.subject for m in shop.emails_to(alice.email) if "cancelled" in m.subject] == []


def test_a_paid_order_not_yet_shipped_is_told_too(shop: Shop, alice: Member) -> None:
    # rule C2: open means not yet shipped or cancelled
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    number = a_paid_order(shop, alice)

    move(shop, "miku-2027", "2027-05")
    announce(shop)

    assert [m.subject for m in release_emails(shop, alice)] == [f"New release date for order {number}: 2027-05"]


def test_shipped_and_cancelled_orders_are_not_told(shop: Shop, alice: Member) -> None:
    # rule C2
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    a_shipped_order(shop, alice, key="shipped")
    cancel(shop, a_preorder(shop, alice, key="cancelled"))

    move(shop, "miku-2027", "2027-05")
    announce(shop)

    assert release_emails(shop, alice) == []


def test_an_in_stock_order_is_told_about_the_one_product_that_moved(shop: Shop, alice: Member) -> None:
    # rule C2
    shop.add_product(in_stock("nendo-1", releaseDate="2026-12-10"))
    shop.add_product(in_stock("nendo-2", releaseDate="2026-12-20"))
    (placed,) = checkout(shop, alice, cart(("nendo-1", 1), ("nendo-2", 1))).body["orders"]

    move(shop, "nendo-2", "2027-01-15")
    announce(shop)

    assert [line.release_date for line in order_of(placed["orderNumber"]).lines] == ["2026-12-10", "2027-01-15"]
    assert len(release_emails(shop, alice)) == 1


def test_a_fan_out_delivered_twice_tells_each_member_once(shop: Shop, alice: Member) -> None:
    # rule C2: the queue delivers at least once
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    a_preorder(shop, alice)
    move(shop, "miku-2027", "2027-06")
    shop.deliver_outbox()
    (job,) = [entry for entry in outbox_entries(shop) if entry["kind"] == "JOB"]
    sqs.send_all(shop.stack.ref("ShippingDateQueue"), [json.loads(job["body"])])

    announce(shop)

    assert len(release_emails(shop, alice)) == 1


def test_a_date_moved_twice_quickly_tells_the_latest_date_once(shop: Shop, alice: Member) -> None:
    # rule C2: the first move's jobs find the product moved again and leave it to the second's
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    number = a_preorder(shop, alice)

    move(shop, "miku-2027", "2027-06")
    move(shop, "miku-2027", "2027-09")
    announce(shop)

    assert [m.subject for m in release_emails(shop, alice)] == [f"New release date for order {number}: 2027-09"]
    assert "from 2027-03 to" in release_emails(shop, alice)[0].body


def test_a_date_moved_back_and_forth_is_told_each_time(shop: Shop, alice: Member) -> None:
    # rule C2: each change is its own announcement
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    a_preorder(shop, alice)

    for release_date in ("2027-06", "2027-03", "2027-06"):
        move(shop, "miku-2027", release_date)
        announce(shop)

    assert len(release_emails(shop, alice)) == 3


def test_the_same_date_again_is_refused(shop: Shop) -> None:
    # rule C2
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))

    answer = move(shop, "miku-2027", "2027-03")

    assert answer.status == 422
    assert (
        answer.body["message"]
        == "The release date of Figure miku-2027 (miku-2027) is already 2027-03; nothing to announce."
    )


def test_a_date_that_is_not_a_month_or_a_day_is_refused_naming_the_field(api: ApiWithoutAws) -> None:
    answer = move(api, "miku-2027", "spring 2027")

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "releaseDate"
    assert api.aws_calls == []


def test_an_unknown_product_is_a_404(shop: Shop) -> None:
    assert move(shop, "no-such-figure", "2027-06").status == 404


def test_the_date_and_its_announcement_are_written_together(shop: Shop, alice: Member) -> None:
    # rule C2: a date never changes without its members being told (product and job in one transaction)
    shop.add_product(preorder("miku-2027", releaseDate="2027-03"))
    a_preorder(shop, alice)

    move(shop, "miku-2027", "2027-06")

    jobs = [entry for entry in outbox_entries(shop) if entry["kind"] == "JOB"]
    assert len(jobs) == 1
    assert '"releaseDate": "2027-06"' in jobs[0]["body"]
    assert product_store.get_product("miku-2027")[1] == 2
