"""The local gateway serves exactly the routes template.yaml declares, as API Gateway would."""

from __future__ import annotations

import re

from local.client import ShopClient
from local.template import load


def concrete(path: str) -> str:
    return re.sub(r"\{\w+\}", "0000-0000-0000-0000", path)


def test_the_gateway_serves_every_route_of_the_template_and_no_other(local_shop: ShopClient) -> None:
    served = {
        (route["method"], route["path"]) for route in local_shop.http.get(f"{local_shop.url}/_local/routes").json()
    }

    declared = {(route.method, route.path) for route in load().routes()}

    assert served == declared


def test_every_declared_route_reaches_its_function(local_shop: ShopClient, staff_token: str) -> None:
    # every answer comes from the function (a JSON body with a code or data), never the gateway's 404/403
    unanswered = []
    for route in load().routes():
        reply = local_shop.call(route.method, concrete(route.path), {}, token=staff_token)
        if reply.status in {403, 404} and (not isinstance(reply.body, dict) or "code" not in reply.body):
            unanswered.append((route.method, route.path, reply.status, reply.body))

    assert unanswered == []


def test_a_path_the_template_does_not_declare_is_a_404(local_shop: ShopClient) -> None:
    assert local_shop.call("GET", "/no/such/route").status == 404


def test_a_method_the_template_does_not_declare_is_refused_as_the_templates_gateway_responses_say(
    local_shop: ShopClient,
) -> None:
    # API Gateway answers MISSING_AUTHENTICATION_TOKEN; the template's GatewayResponses make it a 404 in the
    # shop's refusal shape, readable by a browser (issue 14)
    reply = local_shop.call("DELETE", "/products")

    assert reply.status == 404
    assert reply.body["code"] == "NO_SUCH_ROUTE"
    assert reply.headers["Access-Control-Allow-Origin"] == "*"


def test_a_browser_preflight_gets_the_templates_cors_headers(local_shop: ShopClient) -> None:
    reply = local_shop.call("OPTIONS", "/checkout", headers={"Origin": "https://shop.example.com"})

    assert reply.status == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert "Idempotency-Key" in reply.headers["Access-Control-Allow-Headers"]


def test_the_openapi_document_lists_every_route(local_shop: ShopClient) -> None:
    document = local_shop.http.get(f"{local_shop.url}/_local/openapi.json").json()

    listed = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    declared = {(route.method, route.path) for route in load().routes()}
    assert listed == declared
