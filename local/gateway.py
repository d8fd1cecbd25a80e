"""API Gateway, locally: every route template.yaml declares, with its Cognito authorizer and CORS.

Each request becomes the REST proxy event API Gateway would build, and the route's function handler
is invoked in this process. Routes under /_local/ are the local stack's own pages and controls.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from local.lambdas import Functions, api_event
from local.provision import REGION, Stack
from local.template import Route

LocalHandler = Callable[[Request, dict[str, str]], Response]


@dataclass(frozen=True)
class _CompiledRoute:
    route: Route
    pattern: re.Pattern[str]


class CognitoAuthorizer:
    """Checks an ID token as API Gateway's Cognito authorizer does: signature, expiry, audience, issuer."""

    def __init__(self, aws_endpoint: str, user_pool_id: str, client_id: str) -> None:
        self.jwks_url = f"{aws_endpoint}/{user_pool_id}/.well-known/jwks.json"
        self.issuer = f"https://cognito-idp.{REGION}.amazonaws.com/{user_pool_id}"
        self.client_id = client_id
        self._keys: dict[str, Any] | None = None
        self._lock = threading.Lock()

    def _signing_keys(self) -> dict[str, Any]:
        with self._lock:
            if self._keys is None:
                keys = jwt.PyJWKSet.from_dict(requests.get(self.jwks_url, timeout=5).json())
                self._keys = {key.key_id: key for key in keys.keys}
            return self._keys

    def claims(self, authorization: str | None) -> dict[str, str] | None:
        """The token's claims as API Gateway passes them (all strings), or None when it must be a 401."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            key = self._signing_keys().get(str(header.get("kid")))
            if key is None:
                return None
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError:
            return None
        if claims.get("token_use") != "id":
            return None
        return {name: _claim_text(value) for name, value in claims.items()}


def _claim_text(value: Any) -> str:
    """API Gateway hands claims to the function as text; lists become "[a b]" like the real one."""
    if isinstance(value, list):
        return "[" + " ".join(str(item) for item in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


class Gateway:
    def __init__(self, stack: Stack, functions: Functions, authorizer: CognitoAuthorizer) -> None:
        self.stack = stack
        self.functions = functions
        self.authorizer = authorizer
        self.routes = [
            _CompiledRoute(route, re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path) + "$"))
            for route in stack.template.routes()
        ]
        self.cors = _cors_settings(stack)
        self.gateway_responses = GatewayResponses(stack)
        self.local_routes: list[tuple[str, re.Pattern[str], LocalHandler]] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def add_local(self, method: str, path: str, handler: LocalHandler) -> None:
        pattern = re.compile("^" + re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", path) + "$")
        self.local_routes.append((method, pattern, handler))

    # ------------------------------------------------------------ serving
    def start(self, port: int) -> int:
        self._server = make_server("127.0.0.1", port, self.wsgi, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        return self.handle(request)(environ, start_response)

    def handle(self, request: Request) -> Response:
        for method, pattern, handler in self.local_routes:
            found = pattern.match(request.path)
            if found and request.method == method:
                return handler(request, found.groupdict())
        if request.method == "OPTIONS":
            return self._preflight(request)
        matches = [(r, r.pattern.match(request.path)) for r in self.routes]
        matches = [(r, m) for r, m in matches if m]
        chosen = next(((r, m) for r, m in matches if r.route.method == request.method), None)
        if chosen is None:  # API Gateway's answer to a path or method the API does not have
            return self.gateway_responses.answer("MISSING_AUTHENTICATION_TOKEN", 403, "Missing Authentication Token")
        compiled, found = chosen
        claims = None
        if not compiled.route.public:
            claims = self.authorizer.claims(request.headers.get("Authorization"))
            if claims is None:
                return self.gateway_responses.answer("UNAUTHORIZED", 401, "Unauthorized")
        return self._invoke(request, compiled.route, found.groupdict(), claims)

    def _invoke(
        self, request: Request, route: Route, parameters: dict[str, str], claims: dict[str, str] | None
    ) -> Response:
        body = request.get_data(as_text=True) if request.content_length or request.data else None
        event = api_event(
            request.method,
            route.path,
            request.path,
            path_parameters=parameters,
            body=body,
            headers=dict(request.headers.items()),
            query=dict(request.args.items()),
            claims=claims,
        )
        try:
            result = self.functions.invoke(route.function, event)
        except Exception:
            traceback.print_exc()
            return self.gateway_responses.answer("DEFAULT_5XX", 502, "Internal server error")
        return _proxy_response(result)

    def _preflight(self, request: Request) -> Response:
        response = Response(status=200)
        response.headers["Access-Control-Allow-Origin"] = self.cors["origin"]
        response.headers["Access-Control-Allow-Headers"] = self.cors["headers"]
        response.headers["Access-Control-Allow-Methods"] = self.cors["methods"]
        return response


class GatewayResponses:
    """API Gateway's own answers as the template's GatewayResponses shape them: the status code, the headers
    and the body template, where $context.error.messageString is API Gateway's message as a JSON string.
    A type the template leaves out falls back on DEFAULT_4XX or DEFAULT_5XX, then on API Gateway's default
    {"message": ...}, as API Gateway does."""

    def __init__(self, stack: Stack) -> None:
        api = next(iter(stack.template.of_type("AWS::Serverless::Api").values()))
        self.responses: dict[str, Any] = stack.resolver.resolve(api["Properties"].get("GatewayResponses", {}))

    def answer(self, response_type: str, status: int, message: str) -> Response:
        default = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
        shape = self.responses.get(response_type) or self.responses.get(default) or {}
        template = shape.get("ResponseTemplates", {}).get(
            "application/json", '{"message": $context.error.messageString}'
        )
        body = template.replace("$context.error.messageString", json.dumps(message))
        response = Response(body, status=int(shape.get("StatusCode", status)), content_type="application/json")
        for name, value in shape.get("ResponseParameters", {}).get("Headers", {}).items():
            response.headers[name] = str(value).strip("'")
        return response


def _cors_settings(stack: Stack) -> dict[str, str]:
    api = next(iter(stack.template.of_type("AWS::Serverless::Api").values()))
    cors = stack.resolver.resolve(api["Properties"].get("Cors", {}))
    return {
        "origin": str(cors.get("AllowOrigin", "'*'")).strip("'"),
        "headers": str(cors.get("AllowHeaders", "'*'")).strip("'"),
        "methods": str(cors.get("AllowMethods", "'*'")).strip("'"),
    }


def _proxy_response(result: dict[str, Any]) -> Response:
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    response = Response(data, status=int(result.get("statusCode", 200)))
    for name, value in (result.get("headers") or {}).items():
        response.headers[name] = str(value)
    for name, values in (result.get("multiValueHeaders") or {}).items():
        response.headers.remove(name)
        for value in values:
            response.headers.add(name, str(value))
    return response


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
