"""The public catalogue and the staff endpoints that keep it (rules M1, C1)."""

from __future__ import annotations

from typing import Any

from tests.support.builders import in_stock, preorder
from tests.support.shop import ApiWithoutAws, Member, Shop


def product_body(**changes: Any) -> dict[str, Any]:
    return {
        "productId": "miku-winter-2027",
        "name": "Hatsune Miku: Winter 2027",
        "kind": "PREORDER",
        "unitPriceCents": 18_900,
        "releaseDate": "2027-03",
        "reservationLimit": 3,
        "preorderClosesAt": "2027-01-31T15:00:00Z",
        "blockedRegions": ["CN"],
    } | changes


def test_anyone_can_browse_the_catalogue_without_signing_in(shop: Shop) -> None:
    # rule M1
    shop.add_product(preorder("miku-2027"))
    shop.add_product(in_stock("nendo-1"))

    answer = shop.call("GET", "/products")

    assert answer.status == 200
    assert [product["productId"] for product in answer.body["products"]] == ["miku-2027", "nendo-1"]


def test_the_catalogue_is_paged_with_a_cursor(shop: Shop) -> None:
    for index in range(3):
        shop.add_product(preorder(f"figure-{index}"))

    first = shop.call("GET", "/products", query={"limit": "2"})
    rest = shop.call("GET", "/products", query={"limit": "2", "cursor": first.body["nextCursor"]})

    assert [p["productId"] for p in first.body["products"]] == ["figure-0", "figure-1"]
    assert [p["productId"] for p in rest.body["products"]] == ["figure-2"]
    assert rest.body["nextCursor"] is None


def test_a_page_size_over_one_hundred_is_refused_naming_the_parameter(api: ApiWithoutAws) -> None:
    answer = api.call("GET", "/products", query={"limit": "1000"})

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "limit"


def test_a_product_is_read_with_every_catalogue_field(shop: Shop) -> None:
    # rule C1
    shop.add_product(preorder("miku-2027", blockedRegions=["CN", "KR"]))

    answer = shop.call("GET", "/products/miku-2027")

    assert answer.status == 200
    assert answer.body == {
        "productId": "miku-2027",
        "name": "Figure miku-2027",
        "kind": "PREORDER",
        "unitPriceCents": 15_000,
        "releaseDate": "2027-03",
        "reservationLimit": 3,
        "preorderClosesAt": "2027-01-31T15:00:00Z",
        "stock": None,
        "blockedRegions": ["CN", "KR"],
    }


def test_an_unknown_product_is_a_404_naming_it(shop: Shop) -> None:
    answer = shop.call("GET", "/products/no-such-figure")

    assert answer.status == 404
    assert answer.body["productId"] == "no-such-figure"


def test_staff_create_a_product(shop: Shop, staff: Member) -> None:
    # rule C1
    answer = shop.call("POST", "/admin/products", product_body(), member=staff)

    assert answer.status == 201
    assert shop.product("miku-winter-2027").unit_price_cents == 18_900


def test_a_price_in_dollars_with_cents_is_refused(api: ApiWithoutAws, staff: Member) -> None:
    # rule C1: integer cents, never floats
    answer = api.call("POST", "/admin/products", product_body(unitPriceCents=189.99), member=staff)

    assert answer.status == 422
    assert answer.body["errors"][0]["field"] == "unitPriceCents"


def test_a_preorder_without_a_closing_time_is_refused(api: ApiWithoutAws, staff: Member) -> None:
    # rule C1
    body = product_body()
    del body["preorderClosesAt"]

    answer = api.call("POST", "/admin/products", body, member=staff)

    assert answer.status == 422
    assert "preorderClosesAt" in answer.body["message"]


def test_creating_a_product_that_exists_is_a_409(shop: Shop, staff: Member) -> None:
    shop.call("POST", "/admin/products", product_body(), member=staff)

    again = shop.call("POST", "/admin/products", product_body(), member=staff)

    assert again.status == 409


def test_staff_restock_an_in_stock_product(shop: Shop, staff: Member) -> None:
    shop.add_product(in_stock("nendo-1", stock=0))

    answer = shop.call("PATCH", "/admin/products/nendo-1", {"stock": 25}, member=staff)

    assert answer.status == 200
    assert shop.product("nendo-1").stock == 25


def test_stock_cannot_be_given_to_a_preorder(shop: Shop, staff: Member) -> None:
    # rule C1: a pre-order is made to order
    shop.add_product(preorder("miku-2027"))

    answer = shop.call("PATCH", "/admin/products/miku-2027", {"stock": 5}, member=staff)

    assert answer.status == 422


def test_the_release_date_is_not_changed_by_a_plain_update(shop: Shop, staff: Member) -> None:
    # rule C2: moving a release date tells every open order, so it is not a silent field update
    shop.add_product(preorder("miku-2027"))

    answer = shop.call("PATCH", "/admin/products/miku-2027", {"releaseDate": "2027-06"}, member=staff)

    assert answer.status == 422
    assert shop.product("miku-2027").release_date == "2027-03"


def test_updating_an_unknown_product_is_a_404(shop: Shop, staff: Member) -> None:
    assert shop.call("PATCH", "/admin/products/nope", {"name": "x"}, member=staff).status == 404


def test_a_cursor_that_was_not_given_by_the_shop_is_a_400(api: ApiWithoutAws) -> None:
    answer = api.call("GET", "/products", query={"cursor": "eyJQSyI6IHsiTiI6ICIxIn19"})

    assert answer.status == 400
    assert answer.body["field"] == "cursor"
    assert api.aws_calls == []
