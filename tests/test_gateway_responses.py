"""API Gateway's own answers (no function runs) in the shop's refusal shape, readable by a browser (issue 14).

Without GatewayResponses, API Gateway answers a missing token, a throttled request or its own failure with
a bare {"message": ...} and no CORS headers, which a front end on another origin cannot even read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from local.template import load

# API Gateway's response types a client of this API meets: a missing or bad token, an unknown route or
# method, throttling by the stage's limits, and every other 4XX and 5XX of its own.
TYPES = ["UNAUTHORIZED", "ACCESS_DENIED", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED", "DEFAULT_4XX", "DEFAULT_5XX"]


def gateway_responses() -> dict[str, Any]:
    api = next(iter(load().of_type("AWS::Serverless::Api").values()))
    responses: dict[str, Any] = api["Properties"]["GatewayResponses"]
    return responses


def rendered_body(shape: dict[str, Any]) -> Any:
    """The body API Gateway sends: the template with $context.error.messageString (a JSON string) filled."""
    template = shape["ResponseTemplates"]["application/json"]
    return json.loads(template.replace("$context.error.messageString", json.dumps("Unauthorized")))


@pytest.mark.parametrize("response_type", TYPES)
def test_the_gateways_answer_has_the_shops_refusal_shape(response_type: str) -> None:
    body = rendered_body(gateway_responses()[response_type])

    assert set(body) == {"code", "message"}
    assert body["code"].isupper()
    assert body["message"]


@pytest.mark.parametrize("response_type", TYPES)
def test_the_gateways_answer_carries_the_cors_headers_of_the_api(response_type: str) -> None:
    headers = gateway_responses()[response_type]["ResponseParameters"]["Headers"]

    assert headers["Access-Control-Allow-Origin"] == {"Fn::Sub": "'${AllowedOrigin}'"}
    assert "Idempotency-Key" in headers["Access-Control-Allow-Headers"]


def test_an_unknown_route_is_a_404_and_a_missing_token_a_401() -> None:
    responses = gateway_responses()

    assert (responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"], responses["UNAUTHORIZED"]["StatusCode"]) == (
        404,
        401,
    )
