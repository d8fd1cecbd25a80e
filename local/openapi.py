"""One OpenAPI document for the whole shop, merged from every API function's Powertools resolver.

Each function validates its payloads with pydantic through Powertools' resolver, which knows its own
routes' schemas; the shop's document is their union, with the Cognito sign-in as a bearer scheme.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

from local.lambdas import Functions

TITLE = "preorder-shop"
DESCRIPTION = (
    "The ordering backend of a figure shop whose products are mostly made to order. Browse the catalogue "
    "without signing in; everything else needs a member's ID token from the user pool (Authorization header). "
    "Routes under /admin are for the staff group."
)


def document(functions: Functions, server_url: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                "memberToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The ID token from signing in to the user pool.",
                }
            },
        },
    }
    public = {(r.method, r.path) for r in functions.stack.template.routes() if r.public}
    for logical_id in sorted({route.function for route in functions.stack.template.routes()}):
        app = functions.module(logical_id).app
        schema = app.get_openapi_schema(title=TITLE).model_dump(mode="json", by_alias=True, exclude_none=True)
        merged["components"]["schemas"].update(schema.get("components", {}).get("schemas", {}))
        for powertools_path, operations in schema.get("paths", {}).items():
            path = _template_path(powertools_path)
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "path":
                        parameter["name"] = _template_path("{" + parameter["name"] + "}")[1:-1]
                is_public = (method.upper(), path) in public
                if not is_public:
                    operation["security"] = [{"memberToken": []}]
                operation["responses"] = _with_refusals(operation.get("responses", {}), is_public)
                merged["paths"].setdefault(path, {})[method] = operation
    merged["components"]["schemas"].pop("HTTPValidationError", None)
    merged["components"]["schemas"].pop("ValidationError", None)
    merged["components"]["schemas"]["Refusal"] = REFUSAL_SCHEMA
    return merged


# Every refusal has the same shape (shop_aws.api): a code for programs, a message for people, and the field,
# product or order concerned.
REFUSAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "problems": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
_REFUSALS = {
    "400": "Malformed input: not JSON, a missing header, a value a rule refuses (named in the answer)",
    "404": "No such product or order (another member's order is not found either)",
    "409": "The state does not allow it now, or another request changed it first (the current state is named)",
    "413": "The request body is over 64 KiB",
    "415": "The request body is not sent as application/json",
    "422": "The payload breaks the schema or a rule; every field or product concerned is listed",
    "500": "A failure on the shop's side; try again",
}
_SIGNED_IN_REFUSALS = {
    "401": "No valid ID token in the Authorization header",
    "403": "Signed in, but not allowed (the staff group for /admin routes)",
}


def _with_refusals(responses: dict[str, Any], is_public: bool) -> dict[str, Any]:
    refusals = _REFUSALS | ({} if is_public else _SIGNED_IN_REFUSALS)
    answer = {code: body for code, body in responses.items() if code not in refusals}
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    answer.update({code: {"description": text, "content": content} for code, text in sorted(refusals.items())})
    return answer


def _template_path(powertools_path: str) -> str:
    """Powertools names path parameters after the Python argument (product_id); the template and the real
    API in camelCase ({productId}), which the document uses."""

    def camel(part: str) -> str:
        if not (part.startswith("{") and part.endswith("}")):
            return part
        head, *rest = part[1:-1].split("_")
        return "{" + head + "".join(word.capitalize() for word in rest) + "}"

    return "/".join(camel(part) for part in powertools_path.split("/"))


def swagger_page(spec_json: str) -> str:
    return generate_swagger_html(
        spec=spec_json,
        swagger_js="/_local/swagger-ui-bundle.min.js",
        swagger_css="/_local/swagger-ui.min.css",
        swagger_base_url="/_local/",
        oauth2_config=None,
        persist_authorization=True,
    )


def swagger_asset(name: str) -> bytes:
    return resources.files("aws_lambda_powertools.event_handler.openapi.swagger_ui").joinpath(name).read_bytes()
