"""Paths that name no resource are a 404, never another route's answer (found by tests/e2e/test_api_fuzz.py)."""

from __future__ import annotations

import pytest

from local.lambdas import api_event
from tests.support.shop import Member, Shop


@pytest.mark.parametrize("order_number", ["\n", "01M9-2VPC-GE4T-7QXZ\n", "\t", "\x7f"], ids=repr)
def test_an_order_number_with_a_control_character_is_a_404_not_the_list_of_orders(
    shop: Shop, alice: Member, order_number: str
) -> None:
    # rule M6: GET /orders/<number> answers one order or nothing, never the member's list
    path = f"/orders/{order_number}"
    event = api_event(
        "GET", "/orders/{orderNumber}", path, path_parameters={"orderNumber": order_number}, claims=alice.claims
    )

    response = shop.invoke("OrdersFunction", event)

    assert response["statusCode"] == 404, response
