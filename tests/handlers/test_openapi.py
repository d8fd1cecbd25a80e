"""The OpenAPI document a front end is built from (issue 14): valid, complete for every route, its examples
true to its schemas, and the copy in docs/openapi.json the same as what the functions serve.

Every test goes over every route of template.yaml, so a route added later is held to the same standard.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from local import openapi
from local.template import load
from tests.support.shop import ShopInMoto
from tools.write_openapi import OUT, SERVER, as_text

TAGS = {
    "Catalogue",
    "Cart",
    "Checkout",
    "My Account",
    "Account",
    "Support",
    "Payments",
    "Staff: catalogue",
    "Staff: orders",
    "Staff: support",
}
RULE = re.compile(r"\b[MCOLPSE]\d+[a-z]?\b")
CAMEL_CASE = re.compile(r"^[a-z][a-zA-Z0-9]*$")


@pytest.fixture(scope="module")
def document(shop_in_moto: ShopInMoto) -> dict[str, Any]:
    return openapi.document(shop_in_moto.functions, SERVER)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def schema_check(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one schema of the document, its references resolved within the document."""
    return Draft202012Validator({**schema, "components": document["components"]})


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)  # raises on the first problem, naming it


def test_the_document_lists_every_route_of_the_template_once(document: dict[str, Any]) -> None:
    listed = [(method, path) for method, path, _ in operations(document)]
    assert sorted(listed) == sorted((route.method, route.path) for route in load().routes())


def test_every_operation_has_a_summary_of_its_own_and_a_description_naming_its_rules(
    document: dict[str, Any],
) -> None:
    for method, path, operation in operations(document):
        assert operation.get("summary"), (method, path)
        assert not operation["summary"].startswith(method), (method, path)
        assert RULE.search(operation.get("description", "")), (method, path)


def test_every_operation_has_one_of_the_shops_tags(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        assert len(operation["tags"]) == 1, (method, path)
        assert operation["tags"][0] in TAGS, (method, path)


def test_every_operation_id_is_camel_case_and_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert [i for i in ids if not CAMEL_CASE.match(i)] == []
    assert len(set(ids)) == len(ids)


def test_path_parameters_are_named_as_in_the_path(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert named == set(re.findall(r"\{(\w+)\}", path)), (method, path)


def test_checkout_declares_the_idempotency_key_header_it_requires(document: dict[str, Any]) -> None:
    # rule O8
    headers = [p for p in document["paths"]["/checkout"]["post"]["parameters"] if p["in"] == "header"]

    assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", True)]
    assert "O8" in headers[0]["description"]


def test_every_request_body_has_an_example_its_schema_accepts(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        if "requestBody" not in operation:
            continue
        body = operation["requestBody"]["content"]["application/json"]
        assert "example" in body, (method, path, "record it: python -m tools.record_api_examples")
        errors = [e.message for e in schema_check(document, body["schema"]).iter_errors(body["example"])]
        assert errors == [], (method, path)


def test_every_success_answer_has_an_example_its_schema_accepts(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        successes = {s: a for s, a in operation["responses"].items() if s.startswith("2") and "content" in a}
        examples = {s: a["content"]["application/json"] for s, a in successes.items()}
        assert any("example" in content for content in examples.values()), (method, path)
        for status, content in examples.items():
            if "example" in content:
                errors = [e.message for e in schema_check(document, content["schema"]).iter_errors(content["example"])]
                assert errors == [], (method, path, status, errors[:3])


def test_every_refusal_has_the_shops_error_shape(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if not status.startswith("2"):
                schema = answer["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Refusal"}, (method, path, status)


def test_signed_in_routes_document_the_gateways_own_refusals(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        if "security" in operation:
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


def test_the_document_in_the_repository_is_what_the_functions_serve(document: dict[str, Any]) -> None:
    # when a route, a model or an example changes, `python -m tools.write_openapi` writes the file anew
    assert OUT.read_text(encoding="utf-8") == as_text(document), (
        "docs/openapi.json differs from what the functions serve: `.venv/bin/python -m tools.write_openapi`"
    )


def test_the_document_in_the_repository_is_json_of_the_same_routes(document: dict[str, Any]) -> None:
    kept = json.loads(OUT.read_text(encoding="utf-8"))

    assert sorted(kept["paths"]) == sorted(document["paths"])
