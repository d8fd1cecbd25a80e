"""A small HTTP client for a running local shop: what the CLI, the demo and the end-to-end tests drive it with."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import requests

DEFAULT_API_PORT = 3000  # make run's
DEFAULT_AWS_PORT = 4599
DEFAULT_STRIPE_PORT = 4598  # the local Stripe (local/stripe_server.py)
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_API_PORT}"
# The subject of the email that links to each of the front end's pages.
EMAIL_WITH_LINK_TO = {
    "verify-email": "Confirm your email address",
    "reset-password": "Your Preorder Figure Shop password reset code",
}


def command_for(url: str) -> str:
    """How to run the CLI against the shop at url, to print for a person to copy."""
    return ".venv/bin/python -m local" + ("" if url == DEFAULT_URL else f" --url {url}")


class ShopError(RuntimeError):
    """The local shop could not do what was asked, said in one sentence a person can act on."""


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


class ShopClient:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.http = requests.Session()
        self._config: dict[str, Any] | None = None

    @property
    def config(self) -> dict[str, Any]:
        """Where the shop's parts are (asked once); ShopError when no local shop answers at the URL."""
        if self._config is None:
            self._config = self.control("GET", "/_local/config")
        return self._config

    def save_card(self, token: str, number: str = "4242424242424242") -> str:
        """P1: the member saves a card as the front end does: the shop's SetupIntent, confirmed with the card at
        the local Stripe by its publishable key (what Stripe.js's confirmCardSetup sends); the PaymentMethod id."""
        setup = self.call("POST", "/payments/setup-intents", token=token)
        if setup.status != 201:
            raise ShopError(f"POST /payments/setup-intents answered {setup.status}: {setup.body}")
        secret = setup.body["clientSecret"]
        card = {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
        response = self.http.post(
            f"{self.config['stripeApiUrl']}/v1/setup_intents/{secret.split('_secret_', 1)[0]}/confirm",
            data={
                "key": setup.body["publishableKey"],
                "client_secret": secret,
                "payment_method_data[type]": "card",
                **{f"payment_method_data[card][{name}]": value for name, value in card.items()},
            },
            timeout=30,
        )
        if response.status_code != 200:
            raise ShopError(f"the local Stripe refused card {number}: {response.json().get('error')}")
        return str(response.json()["payment_method"])

    def control(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        """One of the local stack's own controls (/_local/...): its JSON answer, or a ShopError."""
        try:
            response = self.http.request(method, f"{self.url}{path}", json=body, timeout=timeout)
        except requests.ConnectionError:
            raise ShopError(
                f"no local shop answers at {self.url}; start it with 'make run', or point to it with --url or $SHOP_URL"
            ) from None
        except requests.Timeout:
            raise ShopError(f"the local shop at {self.url} did not answer within {timeout:.0f} s") from None
        except requests.RequestException as error:
            raise ShopError(f"cannot ask {self.url}: {error}") from None
        try:
            answer = response.json()
        except ValueError:
            raise ShopError(f"{self.url} answers, but not as a local shop (is --url right?)") from None
        if response.status_code == 404:
            raise ShopError(f"{self.url} has no {path}: is it a local shop (is --url right?)")
        if response.status_code >= 400:
            message = answer.get("message") if isinstance(answer, dict) else None
            raise ShopError(str(message or f"{method} {path} answered {response.status_code}"))
        return answer

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> Reply:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = token
        try:
            response = self.http.request(method, f"{self.url}{path}", json=body, headers=all_headers, timeout=timeout)
        except requests.ConnectionError:
            raise ShopError(f"the local shop at {self.url} stopped answering ({method} {path})") from None
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = response.text
        return Reply(response.status_code, payload, dict(response.headers))

    def sign_in(self, email: str, password: str) -> str:
        """The ID token for the Authorization header, from the shop's own sign-in (POST /sessions).

        A wrong password and an unknown email get the same refusal, as from the deployed shop.
        """
        self.config  # noqa: B018 - a local shop answers at the URL, or a ShopError says there is none
        reply = self.call("POST", "/sessions", {"email": email, "password": password})
        if reply.status == 401:
            raise ShopError(f"sign-in refused for {email}: wrong email or password")
        if reply.status != 201:
            message = reply.body.get("message") if isinstance(reply.body, dict) else None
            raise ShopError(f"sign-in refused for {email}: {message or f'POST /sessions answered {reply.status}'}")
        return str(reply.body["idToken"])

    def now(self) -> str:
        """The shop's time now (its clock moves; config keeps the first answer)."""
        return str(self.control("GET", "/_local/config")["now"])

    def mail(self, to: str | None = None) -> list[dict[str, Any]]:
        path = "/_local/mail.json" + (f"?{urlencode({'to': to})}" if to else "")
        result: list[dict[str, Any]] = self.control("GET", path)
        return result

    def link_in_mail(self, to: str, page: str) -> dict[str, str]:
        """The query of the link to a front-end page (verify-email, reset-password) in the newest email with one."""
        mail = self.wait_for_mail(to, EMAIL_WITH_LINK_TO[page])
        for href in re.findall(r'href="([^"]+)"', mail["html"]):
            url = urlparse(html.unescape(href))
            if url.path.endswith(f"/{page}"):
                return {name: values[0] for name, values in parse_qs(url.query).items()}
        raise AssertionError(f"no link to {page} in {mail['subject']!r}")

    def advance_clock(self, duration: str) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/_local/clock", {"advance": duration})
        return result

    def reset_clock(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/_local/clock/reset", {})
        return result

    def run_schedules(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("POST", "/_local/schedules/run", {}, timeout=120)
        return result

    def reset(self) -> dict[str, Any]:
        """Empty the shop and put back its seed data and clock (python -m local reset)."""
        result: dict[str, Any] = self.control("POST", "/_local/reset", {}, timeout=120)
        return result

    def order(self, number: str, token: str) -> dict[str, Any]:
        reply = self.call("GET", f"/orders/{number}", token=token)
        if reply.status != 200:
            raise AssertionError(f"GET /orders/{number}: {reply.status} {reply.body}")
        result: dict[str, Any] = reply.body
        return result

    def wait_for_state(self, number: str, token: str, state: str, timeout: float = 20) -> dict[str, Any]:
        return wait_for(
            lambda: self.order(number, token),
            lambda order: order["state"] == state,
            timeout,
            f"order {number} to become {state}",
        )

    def wait_for_mail(self, to: str, subject_prefix: str, timeout: float = 20) -> dict[str, Any]:
        mails = wait_for(
            lambda: [m for m in self.mail(to) if m["subject"].startswith(subject_prefix)],
            bool,
            timeout,
            f"an email to {to} starting {subject_prefix!r}",
        )
        return mails[0]


def wait_for[T](read: Callable[[], T], done: Callable[[T], bool], timeout: float, what: str) -> T:
    """Poll until the shop's background work (outbox, queues, events) shows the expected result."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}; last seen: {value!r}")
        time.sleep(0.1)
