"""POST /admin/imports/orders: orders of the old shop come over as they were (rule L11)."""

from __future__ import annotations

from typing import Any

import pytest

from shop_aws.dynamodb import indexes
from tests.support.builders import address_fields, in_stock
from tests.support.orders import STAFF, cancel, order_of, payment_succeeds, ship, signed_up, subjects_to
from tests.support.shop import Api, ApiWithoutAws, Member, Shop, confirm_shipping_date, orders_in_table, state_of

OLD_NUMBER = "20240302117"


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


def old_order(number: str = OLD_NUMBER, **changes: Any) -> dict[str, Any]:
    """An old-shop order of three in-stock figures under one number, placed in March 2024."""
    line = {"name": "Nendoroid", "quantity": 1, "unitPriceCents": 5_500, "releaseDate": "2024-02"}
    return {
        "orderNumber": number,
        "memberEmail": "Yuki@Example.com",
        "state": "RESERVED",
        "createdAt": "2024-03-02T10:00:00Z",
        "lines": [line | {"productId": f"nendo-{index}"} for index in (1, 2, 3)],
        "shippingAddress": address_fields("US", name="Yuki Tanaka", city="Portland"),
        "billingAddress": address_fields("US", name="Yuki Tanaka", city="Portland"),
        "paymentToken": "tok_old_shop_7788",
    } | changes


def import_orders(shop: Api, *orders: dict[str, Any], member: Member = STAFF):
    return shop.call("POST", "/admin/imports/orders", {"orders": list(orders)}, member=member)


def test_an_old_shop_order_keeps_its_number_and_several_in_stock_items(shop: Shop, member: Member) -> None:
    # rule L11
    # when
    answer = import_orders(shop, old_order())

    # then
    assert answer.status == 201
    assert answer.body == {"imported": [OLD_NUMBER], "alreadyImported": []}
    order = order_of(OLD_NUMBER)
    assert (order.member_id, order.email, order.imported) == (member.member_id, "yuki@example.com", True)
    assert [line.product_id for line in order.lines] == ["nendo-1", "nendo-2", "nendo-3"]
    assert (order.state.value, order.kind.value, order.total_cents) == ("RESERVED", "IN_STOCK", 3 * 5_500 + 1_800)


def test_the_member_finds_it_in_my_account_by_its_old_number(shop: Shop, member: Member) -> None:
    # rule L11, rule M6
    import_orders(shop, old_order())

    answer = shop.call("GET", f"/orders/{OLD_NUMBER}", member=member)

    assert answer.status == 200
    assert (answer.body["orderNumber"], answer.body["imported"]) == (OLD_NUMBER, True)
    assert len(answer.body["lines"]) == 3
    listed = shop.call("GET", "/orders", member=member).body["orders"]
    assert [order["orderNumber"] for order in listed] == [OLD_NUMBER]


def test_an_address_change_applies_to_all_of_its_items(shop: Shop, member: Member) -> None:
    # rule L11, rule L9
    import_orders(shop, old_order())
    new_address = address_fields("US", name="Yuki Tanaka", line1="1 Pine Street", city="Seattle", postalCode="98101")

    answer = shop.call("PUT", f"/orders/{OLD_NUMBER}/shipping-address", new_address, member=member)
    shop.deliver_outbox()

    assert answer.status == 200
    order = order_of(OLD_NUMBER)
    assert (order.shipping_address.city, [line.product_id for line in order.lines]) == (
        "Seattle",
        ["nendo-1", "nendo-2", "nendo-3"],
    )
    assert subjects_to(shop, member.email, "Shipping address") == [f"Shipping address changed for order {OLD_NUMBER}"]


def test_an_old_shop_order_cannot_be_split(shop: Shop, member: Member) -> None:
    # rule L11, rule O11: there is no operation anywhere that splits an order
    import_orders(shop, old_order())

    routes = [f"{route.method} {route.path}" for route in shop.routes]

    assert [route for route in routes if "split" in route.lower() or "lines" in route.lower()] == []
    assert len(order_of(OLD_NUMBER).lines) == 3


def test_an_imported_order_goes_through_the_new_shops_lifecycle_whole(shop: Shop, member: Member) -> None:
    # rule L11, rule L1, rule L7: dated, charged and shipped as one order number
    import_orders(shop, old_order())

    confirm_shipping_date(shop, OLD_NUMBER)
    payment_succeeds(shop, OLD_NUMBER)
    shipped = ship(shop, OLD_NUMBER)
    shop.deliver_outbox()

    assert shipped.status == 200
    assert state_of(OLD_NUMBER) == "SHIPPED"
    assert subjects_to(shop, member.email, f"Order {OLD_NUMBER} has shipped") == [f"Order {OLD_NUMBER} has shipped"]


def test_a_product_wide_shipping_date_reaches_an_open_imported_order(shop: Shop, member: Member) -> None:
    # rule L11, rule L1: its items are findable from their products like any open order
    import_orders(shop, old_order())

    assert indexes.product_open_orders("nendo-2", 10, None) == ([OLD_NUMBER], None)


def test_a_paid_or_finished_order_comes_over_in_its_state(shop: Shop, member: Member) -> None:
    # rule L11: state as given
    shipped = old_order("20231101001", state="SHIPPED", carrier="JP Post", trackingNumber="EJ123456789JP")
    paid = old_order("20240101002", state="PAID", shippingDate="2024-05-01")

    import_orders(shop, shipped, paid)

    assert (state_of("20231101001"), state_of("20240101002")) == ("SHIPPED", "PAID")
    assert order_of("20240101002").shipping_date == "2024-05-01"
    assert indexes.product_open_orders("nendo-1", 10, None) == (["20240101002"], None)


def test_importing_the_same_order_again_changes_nothing(shop: Shop, member: Member) -> None:
    # rule L11: a repeated import is harmless
    import_orders(shop, old_order())

    again = import_orders(shop, old_order(state="CANCELLED"))

    assert (again.status, again.body) == (200, {"imported": [], "alreadyImported": [OLD_NUMBER]})
    assert state_of(OLD_NUMBER) == "RESERVED"


def test_an_order_of_someone_who_has_not_signed_up_is_refused_and_nothing_is_imported(
    shop: Shop, member: Member
) -> None:
    # rule L11, rule M6: every order belongs to a registered email address
    answer = import_orders(shop, old_order(), old_order("20240302118", memberEmail="nobody@example.com"))

    assert answer.status == 422
    assert answer.body["code"] == "IMPORT_REFUSED"
    assert answer.body["memberEmails"] == ["nobody@example.com"]
    assert orders_in_table(shop) == []


def test_a_number_that_is_not_an_old_shop_number_is_refused_naming_the_field(api: ApiWithoutAws) -> None:
    # rule L11
    answer = import_orders(api, old_order("01M9-2VPC-GE4T-7QXZ"))

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "orders.0.orderNumber"
    assert "6 to 12 digits" in answer.body["message"]
    assert api.aws_calls == []


def test_an_order_in_the_middle_of_a_payment_is_refused(shop: Shop, member: Member) -> None:
    # rule L11 (decision: settle payments in the old shop first)
    answer = import_orders(shop, old_order(state="PAYMENT_FAILED"))

    assert answer.status == 422
    assert "PAYMENT_FAILED cannot be imported" in answer.body["message"]


def test_a_number_twice_in_one_import_is_refused(shop: Shop, member: Member) -> None:
    answer = import_orders(shop, old_order(), old_order())

    assert answer.status == 422
    assert answer.body["orderNumbers"] == [OLD_NUMBER]


def test_a_cancelled_imported_in_stock_order_returns_nothing_to_this_shops_stock(shop: Shop, member: Member) -> None:
    # rule L11, rule L8: its items never came from this shop's stock
    shop.add_product(in_stock("nendo-1", stock=4))
    import_orders(shop, old_order())

    answer = cancel(shop, OLD_NUMBER)

    assert answer.status == 200
    assert shop.product("nendo-1").stock == 4
