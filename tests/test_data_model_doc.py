"""docs/data-model.md and template.yaml describe the same table: its indexes, their keys and projections."""

from __future__ import annotations

import re

from local.template import ROOT, load

DATA_MODEL = ROOT / "docs" / "data-model.md"
# A row of the Indexes table: | **Name** | `GSI1PK` + `GSI1SK` | ALL | ...
INDEX_ROW = re.compile(
    r"^\| \*\*(?P<name>\w+)\*\* \| `(?P<hash>\w+)` \+ `(?P<range>\w+)` \| (?P<projection>[A-Z_]+) \|"
)


def documented_indexes(text: str) -> dict[str, tuple[str, str, str]]:
    return {
        match["name"]: (match["hash"], match["range"], match["projection"])
        for match in (INDEX_ROW.match(line) for line in text.splitlines())
        if match
    }


def declared_indexes() -> dict[str, tuple[str, str, str]]:
    table = load().resources["ShopTable"]["Properties"]
    indexes = {}
    for index in table["GlobalSecondaryIndexes"]:
        keys = {key["KeyType"]: key["AttributeName"] for key in index["KeySchema"]}
        indexes[index["IndexName"]] = (keys["HASH"], keys["RANGE"], index["Projection"]["ProjectionType"])
    return indexes


def test_a_documented_index_row_is_read_with_its_keys_and_projection() -> None:
    row = "| **Listings** | `GSI1PK` + `GSI1SK` | ALL | it is a product | never |"

    assert documented_indexes(row) == {"Listings": ("GSI1PK", "GSI1SK", "ALL")}


def test_the_data_model_documents_exactly_the_indexes_of_the_shop_table() -> None:
    documented = documented_indexes(DATA_MODEL.read_text(encoding="utf-8"))

    assert documented == declared_indexes()


def test_every_index_the_store_queries_is_declared_and_granted_to_the_functions() -> None:
    store = ROOT / "layers" / "common" / "python" / "shop_aws" / "dynamodb"
    queried = {name for path in store.glob("*.py") for name in re.findall(r'_INDEX = "(\w+)"', path.read_text())}
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")

    assert queried <= set(declared_indexes())
    assert all(f"${{ShopTable.Arn}}/index/{name}" in template for name in declared_indexes())
