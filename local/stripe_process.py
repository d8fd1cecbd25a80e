"""The local Stripe (local/stripe_server.py) run by the local stack as a child process."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
import urllib.request
from typing import Any


class LocalStripeProcess:
    """The local Stripe as a child process of the local stack, on loopback, with the shop's webhook registered."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> LocalStripeProcess:
        self.process = subprocess.Popen(  # noqa: S603 - our own module, on loopback
            [sys.executable, "-m", "local.stripe_server", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the local Stripe did not start on port {self.port}")
            try:
                with urllib.request.urlopen(f"{self.url}/js.stripe.com/v3/", timeout=1):  # noqa: S310 - loopback
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the local Stripe did not answer")

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> None:
        data = None if body is None else urllib.parse.urlencode(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)  # noqa: S310 - loopback
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback
            pass

    def register_webhook(self, url: str, secret: str) -> None:
        """Stripe's dashboard step (README, Deploying), locally: the shop's endpoint for the two event types."""
        events = {"events[0]": "payment_intent.succeeded", "events[1]": "payment_intent.payment_failed"}
        self._send("POST", "/_config/webhooks/shop", {"url": url, "secret": secret, **events})

    def forget_everything(self) -> None:
        self._send("DELETE", "/_config/everything")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
