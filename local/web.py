"""The two front ends (web/storefront at /, web/console at /console/) served on the API's origin.

Each file is its own route, so no front-end path can hide an API route. The emails' links (M7, M8, My Account)
open the storefront's page at verify-email, reset-password and account/..., which it turns into its own routes.
config.json is what tools/web_deploy.py writes from the stack outputs when deployed.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

WEB = Path(__file__).resolve().parent.parent / "web"
STOREFRONT = WEB / "storefront"
CONSOLE = WEB / "console"
# Paths the storefront's page answers on besides /: the pages the emails link to (the page turns each into its
# hash route). GET only: DELETE /account stays the API's.
STOREFRONT_PAGES = (
    "/",
    "/verify-email",
    "/reset-password",
    "/account",
    "/account/orders/<order_number>",
    "/account/support-requests/<request_id>",
)

Add = Callable[[str, str, Callable[[Request, dict[str, str]], Response]], None]


def _file(path: Path) -> Callable[[Request, dict[str, str]], Response]:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".js":
        content_type = "text/javascript"

    def serve(request: Request, _: dict[str, str]) -> Response:
        # Read on each request: an edited file shows on the next reload of `make run`'s pages.
        response = Response(path.read_bytes(), content_type=f"{content_type}; charset=utf-8")
        response.headers["Cache-Control"] = "no-cache"
        return response

    return serve


def _redirect(to: str) -> Callable[[Request, dict[str, str]], Response]:
    return lambda request, _: Response(status=301, headers={"Location": to})


def add_routes(add: Add, config: Callable[[], dict[str, Any]]) -> None:
    """Every file of both front ends, and config.json for this shop."""
    index = _file(STOREFRONT / "index.html")
    for page in STOREFRONT_PAGES:
        add("GET", page, index)
    for path in sorted(STOREFRONT.iterdir()):
        if path.is_file() and path.name != "index.html":
            add("GET", f"/{path.name}", _file(path))
    add("GET", "/console", _redirect("/console/"))
    add("GET", "/console/", _file(CONSOLE / "index.html"))
    for path in sorted(CONSOLE.iterdir()):
        if path.is_file() and path.name != "index.html":
            add("GET", f"/console/{path.name}", _file(path))
    add("GET", "/config.json", lambda request, _: _json(config()))


def _json(body: dict[str, Any]) -> Response:
    response = Response(json.dumps(body), content_type="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response
