"""A small HTTP client for a running local shop: what the demo and the end-to-end tests drive it with."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

# The subject of the email that links to each of the front end's pages.
EMAIL_WITH_LINK_TO = {
    "verify-email": "Confirm your email address",
    "reset-password": "Your Preorder Figure Shop password reset code",
}


class SignInRefused(Exception):
    """POST /sessions did not sign in: a wrong password, an unknown address, a lockout."""


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
        if self._config is None:
            self._config = self.http.get(f"{self.url}/_local/config", timeout=10).json()
        return self._config

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = token
        response = self.http.request(method, f"{self.url}{path}", json=body, headers=all_headers, timeout=30)
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = response.text
        return Reply(response.status_code, payload, dict(response.headers))

    def sign_in(self, email: str, password: str) -> str:
        """The ID token for the Authorization header, from the shop's own sign-in (POST /sessions)."""
        reply = self.call("POST", "/sessions", {"email": email, "password": password})
        if reply.status != 201:
            message = reply.body.get("message") if isinstance(reply.body, dict) else reply.body
            raise SignInRefused(f"sign-in refused ({reply.status}): {message}")
        return str(reply.body["idToken"])

    def mail(self, to: str | None = None) -> list[dict[str, Any]]:
        params = {"to": to} if to else {}
        result: list[dict[str, Any]] = self.http.get(f"{self.url}/_local/mail.json", params=params, timeout=10).json()
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
        result: dict[str, Any] = self.http.post(
            f"{self.url}/_local/clock", json={"advance": duration}, timeout=10
        ).json()
        return result

    def run_schedules(self) -> dict[str, Any]:
        result: dict[str, Any] = self.http.post(f"{self.url}/_local/schedules/run", json={}, timeout=120).json()
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
