"""The catalogue (C1, C2): what a product is, and what staff may change on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shop.catalogue import Product, ProductChanges, ProductKind
from shop.errors import ProductRefused
from tests.support.builders import CLOSES_AT, in_stock_fields, in_stock_product, preorder_product, product_fields

# --- C1: a product -------------------------------------------------------------------------------


# rule C1
def test_a_preorder_product_is_built_from_the_fields_the_api_sends() -> None:
    # when
    product = Product.model_validate(product_fields())

    # then
    assert product.product_id == "FIG-1"
    assert product.kind is ProductKind.PREORDER
    assert product.unit_price_cents == 12_000
    assert product.release_date == "2027-06"
    assert product.reservation_limit == 3
    assert product.preorder_closes_at == CLOSES_AT
    assert product.stock is None
    assert product.blocked_regions == frozenset()


# rule C1
def test_an_in_stock_product_is_built_with_its_stock() -> None:
    # when
    product = Product.model_validate(in_stock_fields(stock=7))

    # then
    assert product.kind is ProductKind.IN_STOCK
    assert product.stock == 7
    assert product.preorder_closes_at is None


# rule C1
def test_a_kind_other_than_preorder_or_in_stock_is_refused() -> None:
    with pytest.raises(ValidationError, match="kind"):
        Product.model_validate(product_fields(kind="USED"))


# rule C1
def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Product.model_validate(product_fields(colour="red"))


# rule C1
def test_a_product_id_with_spaces_is_refused() -> None:
    with pytest.raises(ValidationError, match="productId"):
        Product.model_validate(product_fields(productId="FIG 1"))


# rule C1
def test_a_product_is_immutable() -> None:
    # given
    product = preorder_product()

    # when / then
    with pytest.raises(ValidationError, match="frozen"):
        product.unit_price_cents = 1  # type: ignore[misc]


# --- C1: the price, integer US cents ----------------------------------------------------------------


# rule C1
def test_a_price_is_kept_as_integer_cents() -> None:
    # when
    product = Product.model_validate(product_fields(unitPriceCents=1_999))

    # then
    assert product.unit_price_cents == 1_999
    assert type(product.unit_price_cents) is int


# rule C1
@pytest.mark.parametrize("price", [19.99, 1999.5], ids=["dollars-as-float", "half-cent"])
def test_a_price_with_a_fraction_of_a_cent_is_refused(price: float) -> None:
    with pytest.raises(ValidationError, match="unitPriceCents"):
        Product.model_validate(product_fields(unitPriceCents=price))


# rule C1
@pytest.mark.parametrize("price", [0, -100], ids=["zero", "negative"])
def test_a_price_that_is_not_positive_is_refused(price: int) -> None:
    with pytest.raises(ValidationError, match="unitPriceCents"):
        Product.model_validate(product_fields(unitPriceCents=price))


# --- C1: the release date, a month or a day -------------------------------------------------------------


# rule C1
@pytest.mark.parametrize("release_date", ["2027-03", "2027-03-14", "2028-02-29", "2027-12"])
def test_a_release_date_may_be_a_month_or_a_day(release_date: str) -> None:
    # when
    product = Product.model_validate(product_fields(releaseDate=release_date))

    # then
    assert product.release_date == release_date


# rule C1
@pytest.mark.parametrize(
    "release_date",
    ["2027-13", "2027-00", "2027-3", "2027-02-30", "2027-02-29", "2027-03-32", "27-03", "March 2027", "2027/03", ""],
)
def test_a_release_date_that_is_neither_a_month_nor_a_day_is_refused(release_date: str) -> None:
    with pytest.raises(ValidationError, match="releaseDate"):
        Product.model_validate(product_fields(releaseDate=release_date))


# rule C1
@pytest.mark.parametrize("release_date", ["2027-03\n", "2027-03-99\n"], ids=["month-newline", "impossible-day-newline"])
def test_a_release_date_with_a_trailing_newline_is_refused(release_date: str) -> None:
    # The pattern ends in `$`, which also matches before a final newline; "2027-03-99\n" is no date at all.
    with pytest.raises(ValidationError, match="releaseDate"):
        Product.model_validate(product_fields(releaseDate=release_date))


# --- C1: what each kind needs ---------------------------------------------------------------------------


# rule C1
def test_a_preorder_product_without_a_closing_time_is_refused() -> None:
    # given
    fields = product_fields()
    del fields["preorderClosesAt"]

    # when / then
    with pytest.raises(ValidationError, match="needs preorderClosesAt"):
        Product.model_validate(fields)


# rule C1
def test_a_preorder_product_with_stock_is_refused() -> None:
    with pytest.raises(ValidationError, match="has no stock"):
        Product.model_validate(product_fields(stock=5))


# rule C1
def test_an_in_stock_product_without_stock_is_refused() -> None:
    # given
    fields = in_stock_fields()
    del fields["stock"]

    # when / then
    with pytest.raises(ValidationError, match="needs stock"):
        Product.model_validate(fields)


# rule C1
def test_an_in_stock_product_with_a_closing_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="no pre-order closing time"):
        Product.model_validate(in_stock_fields(preorderClosesAt=CLOSES_AT))


# rule C1
def test_an_in_stock_product_with_no_stock_left_is_valid() -> None:
    assert Product.model_validate(in_stock_fields(stock=0)).stock == 0


# rule C1
def test_negative_stock_is_refused() -> None:
    with pytest.raises(ValidationError, match="stock"):
        Product.model_validate(in_stock_fields(stock=-1))


# rule C1
@pytest.mark.parametrize("limit", [0, -1, 1000])
def test_a_reservation_limit_outside_1_to_999_is_refused(limit: int) -> None:
    with pytest.raises(ValidationError, match="reservationLimit"):
        Product.model_validate(product_fields(reservationLimit=limit))


# rule C1
def test_a_closing_time_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValidationError, match="naive datetime"):
        Product.model_validate(product_fields(preorderClosesAt=datetime(2027, 2, 1, 12, 0)))


# rule C1
def test_a_closing_time_in_another_zone_is_stored_in_utc() -> None:
    # given 21:00 in Tokyo (UTC+9)
    tokyo_evening = datetime(2027, 2, 1, 21, 0, tzinfo=timezone(timedelta(hours=9)))

    # when
    product = Product.model_validate(product_fields(preorderClosesAt=tokyo_evening))

    # then
    assert product.preorder_closes_at == datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    assert product.preorder_closes_at is not None
    assert product.preorder_closes_at.tzinfo is UTC


# --- C1: licensing regions --------------------------------------------------------------------------------


# rule C1
def test_a_product_is_blocked_in_the_regions_its_licence_forbids() -> None:
    # given
    product = Product.model_validate(product_fields(blockedRegions=["FR", "DE"]))

    # when / then
    assert product.is_blocked_in("FR") is True
    assert product.is_blocked_in("DE") is True


# rule C1
def test_a_product_is_not_blocked_in_other_regions() -> None:
    product = Product.model_validate(product_fields(blockedRegions=["FR"]))

    assert product.is_blocked_in("US") is False


# rule C1
@pytest.mark.parametrize("region", ["fr", "FRA", "F", "F1", ""])
def test_a_blocked_region_that_is_not_a_two_letter_capital_code_is_refused(region: str) -> None:
    with pytest.raises(ValidationError, match="ISO 3166-1 alpha-2"):
        Product.model_validate(product_fields(blockedRegions=[region]))


# --- O7: a pre-order closes at its closing time -------------------------------------------------------------


# rule O7
def test_a_preorder_is_open_until_its_closing_time() -> None:
    product = preorder_product(preorder_closes_at=CLOSES_AT)

    assert product.preorder_closed(CLOSES_AT - timedelta(microseconds=1)) is False


# rule O7
def test_a_preorder_is_closed_at_its_closing_time() -> None:
    product = preorder_product(preorder_closes_at=CLOSES_AT)

    assert product.preorder_closed(CLOSES_AT) is True


# rule O7
def test_an_in_stock_product_never_counts_as_a_closed_preorder() -> None:
    product = in_stock_product()

    assert product.preorder_closed(datetime(2999, 1, 1, tzinfo=UTC)) is False


# --- C1/C2: what staff may change ----------------------------------------------------------------------------


# rule C2: moving a release date is its own operation (every open order is told), never a plain product edit
def test_a_release_date_is_not_among_the_changes_staff_may_apply() -> None:
    with pytest.raises(ValidationError, match="releaseDate"):
        ProductChanges.model_validate({"releaseDate": "2027-09-15"})


# rule C1
def test_applying_changes_keeps_every_field_not_changed() -> None:
    # given
    product = preorder_product(unit_price_cents=12_000, blocked_regions=["FR"])

    # when
    changed = ProductChanges.model_validate({"unitPriceCents": 13_500}).apply_to(product)

    # then
    assert changed.unit_price_cents == 13_500
    assert changed.model_dump(exclude={"unit_price_cents"}) == product.model_dump(exclude={"unit_price_cents"})


# rule C1
def test_applying_changes_leaves_the_original_product_as_it_was() -> None:
    # given
    product = in_stock_product(stock=10)

    # when
    ProductChanges.model_validate({"stock": 3}).apply_to(product)

    # then
    assert product.stock == 10


# rule C1
def test_giving_a_preorder_product_stock_is_refused_on_apply() -> None:
    # given
    changes = ProductChanges.model_validate({"stock": 5})

    # when / then
    with pytest.raises(ProductRefused, match="has no stock"):
        changes.apply_to(preorder_product())


# rule C1
def test_removing_the_closing_time_of_a_preorder_product_is_refused_on_apply() -> None:
    # given
    changes = ProductChanges.model_validate({"preorderClosesAt": None})

    # when / then
    with pytest.raises(ProductRefused, match="needs preorderClosesAt"):
        changes.apply_to(preorder_product())


# rule C1
def test_removing_the_stock_of_an_in_stock_product_is_refused_on_apply() -> None:
    # given
    changes = ProductChanges.model_validate({"stock": None})

    # when / then
    with pytest.raises(ProductRefused, match="needs stock"):
        changes.apply_to(in_stock_product())


# rule C1
def test_giving_an_in_stock_product_a_closing_time_is_refused_on_apply() -> None:
    # given
    changes = ProductChanges.model_validate({"preorderClosesAt": CLOSES_AT})

    # when / then
    with pytest.raises(ProductRefused, match="no pre-order closing time"):
        changes.apply_to(in_stock_product())


# rule C1
@pytest.mark.parametrize("field", ["kind", "productId"])
def test_the_kind_and_id_of_a_product_cannot_be_changed(field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        ProductChanges.model_validate({field: "IN_STOCK"})


# rule C1
def test_a_change_to_a_fractional_price_is_refused() -> None:
    with pytest.raises(ValidationError, match="unitPriceCents"):
        ProductChanges.model_validate({"unitPriceCents": 19.99})


# rule C1
def test_changed_blocked_regions_replace_the_old_ones() -> None:
    # given
    product = preorder_product(blocked_regions=["FR"])

    # when
    changed = ProductChanges.model_validate({"blockedRegions": ["DE", "IT"]}).apply_to(product)

    # then
    assert changed.blocked_regions == frozenset({"DE", "IT"})
