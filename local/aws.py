"""Embedded AWS: moto in server mode on loopback, one request at a time.

moto is not atomic under concurrent requests (see docs/local.md); DynamoDB applies each request
atomically, so the local stack serialises requests to moto to test our races, not moto's.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

from local.provision import REGION

LOOPBACK = "127.0.0.1"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _OneAtATime:
    """Wraps a WSGI app so that each request is handled, body and all, while holding one lock."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            return list(self.app(environ, start_response))


class EmbeddedAws:
    """moto's server on 127.0.0.1:<port>, with the environment that points boto3 at it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        # SQS refuses a second purge of a queue within 60 s; `python -m local reset` may be run twice in a row.
        os.environ["MOTO_SQS_ENFORCE_STRICT_QUEUE_PURGE_BEHAVIOUR"] = "false"
        app = _OneAtATime(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(LOOPBACK, self.port, app, threaded=True, request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="moto", daemon=True)
        self._thread.start()
        point_boto3_at(self.endpoint)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def point_boto3_at(endpoint: str) -> None:
    """Every boto3 client created from now on, in this process, talks to the embedded AWS."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    # Fake credentials on purpose: nothing the local stack does can ever act on a real account.
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
            # One request at a time: under a launch-minute load a call may queue behind many others.
            "SHOP_AWS_READ_TIMEOUT_SECONDS": "120",
        }
    )
