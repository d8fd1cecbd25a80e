"""The local Stripe: localstripe (a stateful fake Stripe server) with a thin layer for what Stripe documents
and localstripe does not do. `python -m local.stripe_server --port 8420` serves it on loopback.

The layer, each item as Stripe's documentation describes it (docs/local.md lists the gaps it closes):
- Idempotent requests (https://docs.stripe.com/api/idempotent_requests): a POST repeated with the same
  `Idempotency-Key` gets the first answer again (header `Idempotent-Replayed: true`) and creates nothing;
  the same key with other parameters is a 400 `idempotency_error`.
- Off-session charges needing authentication (https://docs.stripe.com/payments/save-and-reuse): a
  PaymentIntent created with `off_session=true, confirm=true` whose card asks for 3-D Secure fails with a
  402 card error `authentication_required` (localstripe answers 200 `requires_action`).
- A SetupIntent with a customer attaches its PaymentMethod to that customer when it succeeds
  (https://docs.stripe.com/api/setup_intents/object#setup_intent_object-customer).
- A PaymentIntent for a customer takes only a PaymentMethod attached to that customer
  (https://docs.stripe.com/api/payment_intents/create#create_payment_intent-payment_method): another
  customer's or a detached card is a 400 `invalid_request_error` on `payment_method`.
- The card's brand from its number, as Stripe's test cards (https://docs.stripe.com/testing#cards):
  4... visa, 5... mastercard (localstripe says visa for all).
- An outage switch for P3, not a Stripe feature: `POST /_config/outage {"mode": "error"|"timeout",
  "seconds": N}` makes every /v1 request answer 500 `api_error` (or hang past the client's timeout)
  until cleared with `DELETE /_config/outage` or for N seconds; `DELETE /_config/everything` forgets everything;
  `POST /_config/cards {"id", "customer", "number"}` makes a saved card with fixed ids (for sample events).

It keeps its state in memory only (localstripe would share a pickle file in /tmp between instances).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# ------------------------------------------------------------------ what localstripe's objects do


def _no_disk() -> None:
    """State stays in this process: two local Stripes never share a file."""


resources.store.dump_to_disk = _no_disk  # type: ignore[method-assign]

_original_attach_pm = resources.SetupIntent._attach_pm
_original_pm_init = resources.PaymentMethod.__init__
_original_pi_create = resources.PaymentIntent._api_create.__func__  # type: ignore[attr-defined]


def _attach_pm(self: Any, pm: Any) -> None:
    _original_attach_pm(self, pm)
    if self.status == "succeeded" and self.customer:
        pm.customer = self.customer


def _pm_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original_pm_init(self, *args, **kwargs)
    if getattr(self, "type", None) == "card":
        number = self._card_number
        self.card["brand"] = {"4": "visa", "5": "mastercard", "3": "amex", "6": "discover"}.get(number[0], "unknown")


def _pi_create(cls: Any, confirm: Any = None, off_session: Any = None, **data: Any) -> Any:
    customer, method = data.get("customer"), data.get("payment_method")
    if customer and method and str(method).startswith("pm_"):
        found = resources.PaymentMethod._api_retrieve(method)
        if found.customer != customer:
            raise UserError(
                400,
                f"The PaymentMethod {method} does not belong to the Customer {customer}: attach it first.",
                {"param": "payment_method", "code": "payment_method_unexpected_state"},
            )
    intent = _original_pi_create(cls, confirm=confirm, off_session=off_session, **data)
    if resources.try_convert_to_bool(off_session) and intent.status == "requires_action":
        intent.next_action = None
        intent._authentication_failed = True
        intent.latest_charge = None
        intent.payment_method = None  # Stripe: requires_payment_method, the card must be confirmed again
        error = UserError(
            402,
            "Your card was declined. This transaction requires authentication.",
            {
                "code": "authentication_required",
                "decline_code": "authentication_required",
                "payment_intent": intent._export(),
            },
        )
        error.body["error"]["type"] = "card_error"
        raise error
    return intent


resources.SetupIntent._attach_pm = _attach_pm  # type: ignore[method-assign]
resources.PaymentMethod.__init__ = _pm_init  # type: ignore[method-assign]
resources.PaymentIntent._api_create = classmethod(_pi_create)  # type: ignore[assignment]

# ------------------------------------------------------------------ HTTP: outages and idempotency


class Outage:
    def __init__(self) -> None:
        self.mode: str | None = None
        self.until: float | None = None

    def active(self) -> str | None:
        if self.mode and self.until is not None and time.monotonic() >= self.until:
            self.mode = self.until = None
        return self.mode


outage = Outage()
_replies: dict[str, tuple[str, int, bytes]] = {}
_locks: dict[str, asyncio.Lock] = {}
HANG_SECONDS = 60


@web.middleware
async def outage_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    mode = outage.active() if request.path.startswith("/v1/") else None
    if mode == "timeout":
        await asyncio.sleep(HANG_SECONDS)
    if mode:
        body = {"error": {"type": "api_error", "message": "The local Stripe is down (outage switched on)."}}
        return web.json_response(body, status=500)
    return await handler(request)


@web.middleware
async def idempotency_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith("/v1/"):
        return await handler(request)
    body = await request.read()
    fingerprint = hashlib.sha256(request.path.encode() + b"\n" + body).hexdigest()
    async with _locks.setdefault(key, asyncio.Lock()):
        stored = _replies.get(key)
        if stored is not None:
            if stored[0] != fingerprint:
                error = {
                    "type": "idempotency_error",
                    "message": f"Keys for idempotent requests can only be used with the same parameters they "
                    f"were first used with. Try using a key other than '{key}' if you meant to execute a "
                    f"different request.",
                }
                return web.json_response({"error": error}, status=400)
            return web.Response(
                body=stored[2],
                status=stored[1],
                content_type="application/json",
                headers={"Idempotent-Replayed": "true", "Idempotency-Key": key},
            )
        try:
            response = await handler(request)
        except UserError as error:
            response = error.to_response()
        # Stripe saves the answer once the endpoint began executing, errors included, but not a 5xx.
        if isinstance(response, web.Response) and response.status < 500 and response.body is not None:
            payload = response.body if isinstance(response.body, bytes) else bytes(response.body)  # type: ignore[arg-type]
            _replies[key] = (fingerprint, response.status, payload)
        return response


async def switch_outage(request: web.Request) -> web.Response:
    data = await request.json() if request.can_read_body else {}
    mode = data.get("mode", "error")
    if mode not in {"error", "timeout"}:
        return web.json_response({"message": "mode is error or timeout"}, status=400)
    seconds = data.get("seconds")
    outage.mode = mode
    outage.until = None if seconds is None else time.monotonic() + float(seconds)
    return web.json_response({"mode": mode, "seconds": seconds})


async def end_outage(request: web.Request) -> web.Response:
    outage.mode = outage.until = None
    return web.json_response({"mode": None})


def _rekeyed(obj: Any, new_id: str) -> Any:
    del resources.store[f"{obj.object}:{obj.id}"]
    obj.id = new_id
    resources.store[f"{obj.object}:{new_id}"] = obj
    return obj


async def fixture_card(request: web.Request) -> web.Response:
    """Local only (sample events name fixed ids): a customer and a card attached to it, with the ids asked for."""
    data = await request.json()
    customer_id, method_id = str(data["customer"]), str(data["id"])
    if resources.store.get(f"customer:{customer_id}") is None:
        _rekeyed(resources.Customer(email=data.get("email")), customer_id)
    card = {"number": str(data.get("number", "4242424242424242")), "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = _rekeyed(resources.PaymentMethod(type="card", card=card), method_id)
    method.customer = customer_id
    return web.json_response({"id": method_id, "customer": customer_id})


async def forget_everything(request: web.Request) -> web.Response:
    resources.store.clear()
    _replies.clear()
    outage.mode = outage.until = None
    return web.json_response({"cleared": True})


def application() -> web.Application:
    app: web.Application = server.app
    app.middlewares.insert(0, idempotency_middleware)
    app.middlewares.insert(0, outage_middleware)
    app.router.add_post("/_config/outage", switch_outage)
    app.router.add_delete("/_config/outage", end_outage)
    app.router.add_delete("/_config/everything", forget_everything)
    app.router.add_post("/_config/cards", fixture_card)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="The local Stripe on 127.0.0.1 (localstripe and a thin layer).")
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    print(json.dumps({"localStripe": f"http://127.0.0.1:{args.port}"}), flush=True)
    web.run_app(application(), host="127.0.0.1", port=args.port, print=None, access_log=None, shutdown_timeout=1)


if __name__ == "__main__":
    main()
