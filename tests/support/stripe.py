"""The local Stripe (local/stripe_server.py) for tests: started once per run, emptied per test, and driven
as Stripe.js and the Stripe dashboard would drive it: saving a card, listing what was charged."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
# Stripe's test cards (https://docs.stripe.com/testing): the numbers say what the bank answers.
VISA = "4242424242424242"  # succeeds
MASTERCARD = "5555555555554444"  # succeeds
DECLINED_AT_CHARGE = "4000000000000341"  # saves, then every charge is declined (card_declined)
DECLINED_AT_SETUP = "4000000000000002"  # refused when saved
ALWAYS_AUTHENTICATE = "4000002760003184"  # every charge asks the cardholder to authenticate


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalStripe:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "local.stripe_server", "--port", str(self.port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.http = requests.Session()
        self.http.headers["Authorization"] = "Bearer sk_test_local_shop"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.http.get(f"{self.url}/v1/balance", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the local Stripe did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def forget_everything(self) -> None:
        self.http.delete(f"{self.url}/_config/everything", timeout=5).raise_for_status()

    def outage(self, mode: str = "error", seconds: float | None = None) -> None:
        body = {"mode": mode, "seconds": seconds}
        self.http.post(f"{self.url}/_config/outage", json=body, timeout=5).raise_for_status()

    def end_outage(self) -> None:
        self.http.delete(f"{self.url}/_config/outage", timeout=5).raise_for_status()

    def _post(self, path: str, data: dict[str, Any]) -> requests.Response:
        return self.http.post(f"{self.url}{path}", data=data, timeout=10)

    def customer(self, email: str = "someone@example.com") -> str:
        return str(self._post("/v1/customers", {"email": email}).json()["id"])

    def confirm_setup(self, client_secret: str, number: str) -> requests.Response:
        """What Stripe.js's confirmCardSetup sends: the card goes to Stripe, never to the shop."""
        setup_id = client_secret.split("_secret_", maxsplit=1)[0]
        return self._post(
            f"/v1/setup_intents/{setup_id}/confirm",
            {
                "client_secret": client_secret,
                "payment_method_data[type]": "card",
                "payment_method_data[card][number]": number,
                "payment_method_data[card][exp_month]": "12",
                "payment_method_data[card][exp_year]": "2030",
                "payment_method_data[card][cvc]": "123",
            },
        )

    def saved_card(self, customer: str, number: str = VISA) -> str:
        """A card saved for off-session charges to the customer (a SetupIntent), as checkout expects it."""
        if number == ALWAYS_AUTHENTICATE:
            # Saving it asks for 3-D Secure, which the member passes in the browser: attach it as Stripe does then.
            method = self._post(
                "/v1/payment_methods",
                {
                    "type": "card",
                    "card[number]": number,
                    "card[exp_month]": "12",
                    "card[exp_year]": "2030",
                    "card[cvc]": "123",
                },
            ).json()["id"]
            self._post(f"/v1/payment_methods/{method}/attach", {"customer": customer}).raise_for_status()
            return str(method)
        setup = self._post("/v1/setup_intents", {"customer": customer, "usage": "off_session"}).json()
        confirmed = self.confirm_setup(setup["client_secret"], number)
        confirmed.raise_for_status()
        return str(confirmed.json()["payment_method"])

    def fixture_card(self, method: str, customer: str, number: str = VISA) -> None:
        """A card saved to a customer, both with the ids a sample event names (a local-only switch)."""
        body = {"id": method, "customer": customer, "number": number}
        self.http.post(f"{self.url}/_config/cards", json=body, timeout=5).raise_for_status()

    def has_customer(self, customer: str) -> bool:
        """Whether Stripe still keeps the customer (a deleted one answers 404, or `deleted: true` at Stripe)."""
        answer = self.http.get(f"{self.url}/v1/customers/{customer}", timeout=10)
        if answer.status_code == 404:
            return False
        answer.raise_for_status()
        return not answer.json().get("deleted", False)

    def detach(self, method: str) -> None:
        self._post(f"/v1/payment_methods/{method}/detach", {}).raise_for_status()

    def payment_intents(self) -> list[dict[str, Any]]:
        answer = self.http.get(f"{self.url}/v1/payment_intents", params={"limit": 100}, timeout=10).json()
        found: list[dict[str, Any]] = answer["data"]
        while answer.get("has_more"):
            answer = self.http.get(
                f"{self.url}/v1/payment_intents",
                params={"limit": 100, "starting_after": found[-1]["id"]},
                timeout=10,
            ).json()
            found += answer["data"]
        return found

    def intents_for(self, settlement_id: str) -> list[dict[str, Any]]:
        return [i for i in self.payment_intents() if i["metadata"].get("settlementId") == settlement_id]

    def register_webhook(self, url: str, secret: str) -> None:
        self._post("/_config/webhooks/shop", {"url": url, "secret": secret}).raise_for_status()


def signed(payload: dict[str, Any], secret: str, at: int | None = None) -> tuple[str, str]:
    """A body and its Stripe-Signature header as Stripe computes it (https://docs.stripe.com/webhooks#verify-manually):
    HMAC-SHA256 of "<timestamp>.<body>" with the endpoint secret, sent as t=<timestamp>,v1=<hex>."""
    body = json.dumps(payload)
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return body, f"t={timestamp},v1={digest}"
