"""What every HTTP function shares: the resolver, error answers, and who is calling."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths

from shop.errors import Forbidden, NotFound, PayloadTooLarge, ShopError, Unauthorized, UnsupportedMediaType
from shop_aws.runtime import logger, metrics
from shop_aws.settings import settings

if TYPE_CHECKING:  # only checkout is idempotent: the other functions do not import the idempotency utility
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

STAFF_GROUP = "staff"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body), headers=headers)


def resolver() -> APIGatewayRestResolver:
    """A REST resolver validating every payload with pydantic and answering every refusal the same way."""
    # With a proxy integration the function's own answers carry CORS headers (the template's Cors
    # section only answers the browser's preflight).
    cors = CORSConfig(
        allow_origin=settings().allowed_origin, allow_headers=["Idempotency-Key"], expose_headers=["Retry-After"]
    )
    app = APIGatewayRestResolver(enable_validation=True, cors=cors)

    @app.exception_handler(ShopError)
    def _refused(error: ShopError) -> Response[Any]:
        logger.info("refused", extra={"code": error.code, "status": error.status})
        return json_response(error.status, error.to_body(), headers=error.headers() or None)

    @app.exception_handler(RequestValidationError)
    def _invalid(error: RequestValidationError) -> Response[Any]:
        problems = error.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return json_response(400, {"code": "INVALID_JSON", "message": "The request body is not valid JSON."})
        fields = [
            {
                "field": ".".join(str(part) for part in problem["loc"][1:]) or problem["loc"][0],
                "message": problem["msg"],
            }
            for problem in problems
        ]
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return json_response(422, {"code": "INVALID_INPUT", "message": message, "errors": fields})

    @app.exception_handler(ServiceError)
    def _no_such_route(error: ServiceError) -> Response[Any]:
        # A path no route of this function matches (e.g. an id with characters ids never have).
        message = "There is no such resource." if error.status_code == 404 else str(error.msg or "Refused.")
        return json_response(
            error.status_code, {"code": "NOT_FOUND" if error.status_code == 404 else "REFUSED", "message": message}
        )

    @app.exception_handler(Exception)
    def _failed(error: Exception) -> Response[Any]:
        logger.exception("request failed", exc_info=error)
        return json_response(
            500,
            {"code": "INTERNAL_ERROR", "message": "Something went wrong on our side; please try again in a moment."},
        )

    return app


def answers(success: int, description: str, refusals: dict[int, str] | None = None) -> dict[int, Any]:
    """OpenAPI answers of a route: its success (the route's return model), and the refusals it adds to the
    ones every route has (local/openapi.py lists those)."""
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    refused = {status: {"description": text, "content": content} for status, text in (refusals or {}).items()}
    return {success: {"description": description}, **refused}


@dataclass(frozen=True)
class Caller:
    """The signed-in member, from the claims API Gateway's Cognito authorizer checked."""

    member_id: str
    email: str
    groups: frozenset[str]

    @property
    def is_staff(self) -> bool:
        return STAFF_GROUP in self.groups


def caller(app: APIGatewayRestResolver) -> Caller:
    claims = app.current_event.request_context.authorizer.claims or {}
    member_id = claims.get("sub")
    if not member_id:
        raise Unauthorized("Sign in to do this.")
    return Caller(member_id=member_id, email=str(claims.get("email", "")), groups=_groups(claims.get("cognito:groups")))


def _groups(raw: Any) -> frozenset[str]:
    """API Gateway flattens the groups claim to text: "staff", "staff,ops" or "[staff ops]"."""
    if raw is None:
        return frozenset()
    if isinstance(raw, list):
        return frozenset(str(group) for group in raw)
    return frozenset(part for part in str(raw).strip("[]").replace(",", " ").split() if part)


def _refusal(error: ShopError) -> dict[str, Any]:
    """A proxy response for a refusal decided before the resolver runs."""
    return {
        "statusCode": error.status,
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": settings().allowed_origin,
        },
        "body": json.dumps(error.to_body()),
        "isBase64Encoded": False,
    }


def staff_refusal(event: dict[str, Any]) -> dict[str, Any] | None:
    """For /admin functions: refuse anyone outside the staff group before the payload is even read."""
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    if not claims.get("sub"):
        return _refusal(Unauthorized("Sign in to do this."))
    if STAFF_GROUP not in _groups(claims.get("cognito:groups")):
        return _refusal(Forbidden("Only shop staff may do this."))
    return None


MAX_BODY_BYTES = 64 * 1024  # a 20-product cart with both addresses is under 10 KiB


def body_refusal(event: dict[str, Any]) -> dict[str, Any] | None:
    """Bodies are JSON and small: anything else is told so plainly instead of failing later."""
    body = event.get("body")
    if not body:
        return None
    if len(body.encode() if isinstance(body, str) else body) > MAX_BODY_BYTES:
        return _refusal(PayloadTooLarge(f"The request body is larger than {MAX_BODY_BYTES // 1024} KiB."))
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type", "")).split(";")[0].strip().lower()
    if media_type != "application/json":
        return _refusal(
            UnsupportedMediaType("Send the request body as JSON with the header Content-Type: application/json.")
        )
    return None


def path_refusal(event: dict[str, Any]) -> dict[str, Any] | None:
    """A path with a control character names no resource. Powertools' REST routes end in `/*$`, and `$`
    also matches before a final newline, so GET /orders/%0A would otherwise answer as GET /orders."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in str(event.get("path") or "")):
        return _refusal(NotFound("There is no such resource."))
    return None


def handler_for(
    app: APIGatewayRestResolver, idempotency: IdempotencyConfig | None = None, *, staff_only: bool = False
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The Lambda entry point: Powertools' logger context, metrics and tracing around the resolver.

    staff_only: every route of the function is for the staff group, checked before validation so a
    member learns nothing about an admin payload.
    """

    # Every line a request logs carries API Gateway's request id as its correlation_id, the id API Gateway
    # gives the caller (x-amzn-RequestId) and its own logs: one search finds the whole request.
    @logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        if (refusal := path_refusal(event)) is not None:
            return refusal
        if staff_only and (refusal := staff_refusal(event)) is not None:
            return refusal
        if (refusal := body_refusal(event)) is not None:
            return refusal
        if idempotency is not None:
            idempotency.register_lambda_context(context)
        return app.resolve(event, context)

    return lambda_handler
