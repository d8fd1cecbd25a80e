"""One OpenAPI document for the whole shop, merged from every API function's Powertools resolver.

Each function validates its payloads with pydantic through Powertools' resolver, which knows its own
routes' schemas; the shop's document is their union, with the Cognito sign-in as a bearer scheme.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html

from local.lambdas import Functions

TITLE = "preorder-shop"
DESCRIPTION = (
    "The ordering backend of a figure shop whose products are mostly made to order. Browse the catalogue "
    "without signing in; everything else needs a member's ID token: POST /sessions answers it (idToken), "
    "sent as a Bearer token in the Authorization header (Authorize, in Swagger UI). Routes under /admin are "
    "for the staff group. Every refusal is JSON with a code for programs and a message for people "
    "(the Refusal schema), API Gateway's own included."
)


EXAMPLES_FILE = Path(__file__).with_name("openapi_examples.json")
EVENTS = Path(__file__).resolve().parent.parent / "events"

# The tag of every route, by its path's beginning, in the order Swagger UI lists them: a route under a new
# beginning has no tag, and the document refuses to be built until it gets one here (tests/handlers/test_openapi.py).
TAGS: list[tuple[str, str, str]] = [
    ("/products", "Catalogue", "Browse the figures on sale, without signing in."),
    ("/cart", "Cart", "The member's cart, the same on every device (C3)."),
    ("/checkout", "Checkout", "The cart becomes orders, once per Idempotency-Key (O1-O13)."),
    ("/orders", "My Account", "The member's orders: state, history of emails, address, payment method."),
    ("/payments", "Payments", "The payment processor's side."),
    ("/support-requests", "Support", "Ask customer support, read the answers."),
    ("/account", "Account", "The member's own account: password, verification, withdrawal."),
    ("/members", "Account", ""),
    ("/sessions", "Account", ""),
    ("/admin/products", "Staff: catalogue", "Products, prices, release and shipping dates (staff group)."),
    ("/admin/orders", "Staff: orders", "Shipping, cancelling, defects and shipping dates of orders (staff group)."),
    ("/admin/imports", "Staff: orders", ""),
    ("/admin/failed-payments", "Staff: orders", ""),
    ("/admin/shipping-date-runs", "Staff: orders", ""),
    ("/admin/support-requests", "Staff: support", "The support desk's queue and its resolutions (staff group)."),
]

# Headers the functions read beyond Authorization, declared per operation (METHOD path).
IDEMPOTENCY_KEY: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": (
        "O8: any unique text of 1 to 128 characters, new for each checkout. Send the same key again when you "
        "retry (a timeout, a lost answer): the first checkout's answer comes back and nothing is ordered twice, "
        "for 24 hours. The same key with a different cart is refused (422 IDEMPOTENCY_KEY_REUSED); while the "
        "first is still running, a retry gets 409 IN_PROGRESS with Retry-After."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    "example": "3f7c2a9e-5b1d-4e8a-9c0f-7a6b5d4c3e21",
}
STRIPE_SIGNATURE: dict[str, Any] = {
    "name": "Stripe-Signature",
    "in": "header",
    "required": True,
    "description": "P4: Stripe's signature of the raw body (t=..., v1=...), made with the endpoint's secret.",
    "schema": {"type": "string"},
}
HEADERS: dict[str, list[dict[str, Any]]] = {
    "POST /checkout": [IDEMPOTENCY_KEY],
    "POST /payments/stripe/webhook": [STRIPE_SIGNATURE],
}


class DocumentError(ValueError):
    """The functions' routes cannot make a complete document as they are (the message says what is missing)."""


def document(functions: Functions, server_url: str) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": server_url}],
        "tags": _tag_list(),
        "paths": {},
        "components": {
            "schemas": {},
            "securitySchemes": {
                "memberToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The idToken from POST /sessions (signing in to the user pool).",
                }
            },
        },
    }
    examples = json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))
    samples = _sample_bodies()
    routes = functions.stack.template.routes()
    public = {(r.method, r.path) for r in routes if r.public}
    schemas: dict[str, Any] = merged["components"]["schemas"]
    for logical_id in sorted({route.function for route in routes}):
        app = functions.module(logical_id).app
        schema = app.get_openapi_schema(title=TITLE).model_dump(mode="json", by_alias=True, exclude_none=True)
        for name, definition in schema.get("components", {}).get("schemas", {}).items():
            if name in schemas and schemas[name] != definition and name not in _POWERTOOLS_SCHEMAS:
                raise DocumentError(f"two functions define the schema {name} differently: rename one model")
            schemas[name] = definition
        for powertools_path, operations in schema.get("paths", {}).items():
            path = _template_path(powertools_path)
            for method, operation in operations.items():
                key = f"{method.upper()} {path}"
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "path":
                        parameter["name"] = _template_path("{" + parameter["name"] + "}")[1:-1]
                operation["parameters"] = operation.get("parameters", []) + HEADERS.get(key, [])
                if not operation["parameters"]:
                    del operation["parameters"]
                operation["operationId"] = _operation_id(operation["operationId"], powertools_path, method)
                operation["tags"] = [_tag(path)]
                is_public = (method.upper(), path) in public
                if not is_public:
                    operation["security"] = [{"memberToken": []}]
                operation["responses"] = _with_refusals(operation.get("responses", {}), is_public)
                _add_examples(operation, examples.get(key, {}), samples.get(key))
                merged["paths"].setdefault(path, {})[method] = operation
    for name in _POWERTOOLS_SCHEMAS:
        schemas.pop(name, None)
    schemas["Refusal"] = REFUSAL_SCHEMA
    merged["paths"] = dict(sorted(merged["paths"].items()))
    merged["components"]["schemas"] = dict(sorted(schemas.items()))
    return merged


# Powertools' own validation answers, which the shop replaces with its refusals (shop_aws.api).
_POWERTOOLS_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")


def _tag_list() -> list[dict[str, str]]:
    described = {name: text for _, name, text in TAGS if text}
    return [{"name": name, "description": text} for name, text in described.items()]


def _tag(path: str) -> str:
    for prefix, name, _ in TAGS:
        if path == prefix or path.startswith(prefix + "/"):
            return name
    raise DocumentError(f"no tag for {path}: add its beginning to local/openapi.py TAGS")


def _operation_id(generated: str, powertools_path: str, method: str) -> str:
    """camelCase of the handler's name, or the operation_id its route gives (Powertools' default is the
    function's name, then the path and method)."""
    suffix = re.sub(r"\W", "_", powertools_path) + "_" + method.lower()
    name = generated.removesuffix(suffix)
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def _sample_bodies() -> dict[str, Any]:
    """The request bodies of the sample events (events/), by METHOD path: realistic, and tested to work."""
    bodies: dict[str, Any] = {}
    for sample in sorted(EVENTS.rglob("*.json")):
        event = json.loads(sample.read_text(encoding="utf-8"))
        if isinstance(event, dict) and event.get("httpMethod") and event.get("body"):
            bodies.setdefault(f"{event['httpMethod']} {event['resource']}", json.loads(event["body"]))
    return bodies


def _add_examples(operation: dict[str, Any], recorded: dict[str, Any], sample: Any) -> None:
    """The request body's example (recorded from a walk, else the sample event's) and the success answer's."""
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        example = recorded.get("request", sample)
        if example is not None:
            body["example"] = example
    for status, answer in operation["responses"].items():
        content = answer.get("content", {}).get("application/json")
        if status.startswith("2") and content is not None and status == recorded.get("status"):
            content["example"] = recorded["response"]


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
    "429": "Too many requests: API Gateway's throttling, or a rule's limit (wait, then retry)",
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
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    answer = {code: body for code, body in responses.items() if code.startswith("2")}
    # A route's own description of a refusal (why this route answers 409, say) wins over the general one.
    own = {code: body.get("description", "") for code, body in responses.items() if not code.startswith("2")}
    own = {code: text for code, text in own.items() if text and not text.startswith("Validation Error")}
    for code, text in sorted((refusals | own).items()):
        answer[code] = {"description": text, "content": content}
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
