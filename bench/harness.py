"""What the in-process measurements share: the shop in moto, built from template.yaml as the handler tests build
it, and a counter of AWS calls hooked on botocore's events of the functions' shared session.

Only the functions' own calls are counted: the session the harness uses to seed data and to pump the queue and
the stream is another one, without the hooks.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import socket
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import local  # noqa: F401 - the layer on sys.path and the template's literal settings, as Lambda sets them

# As tests/conftest.py: moto, never AWS.
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_DEV": "false",
}
os.environ.update(FAKE_AWS)

import boto3  # noqa: E402 - after the fake credentials
import requests  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core.responses import ActionResult  # noqa: E402
from moto.dynamodb import models as moto_dynamodb  # noqa: E402
from moto.dynamodb.models import dynamodb_backends  # noqa: E402
from moto.dynamodb.models.dynamo_type import DynamoType, Item  # noqa: E402
from moto.dynamodb.models.table import Table  # noqa: E402
from moto.dynamodb.responses import DynamoResult  # noqa: E402

from local.lambdas import Functions, QueuePump, StreamPump, api_event  # noqa: E402
from local.provision import ACCOUNT, REGION, provision  # noqa: E402
from local.stripe_process import LocalStripeProcess  # noqa: E402
from shop.clock import FixedClock  # noqa: E402
from shop_aws import clients, runtime  # noqa: E402
from shop_aws.settings import settings  # noqa: E402

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_ORDER_KEY = re.compile(r"^ORDER#(.+)$")


# ---------------------------------------------------------------- counting AWS calls


@dataclass
class Tally:
    """The AWS calls made while it was open: per service and operation, items read, orders touched."""

    calls: Counter[str] = field(default_factory=Counter)
    items_read: Counter[str] = field(default_factory=Counter)
    orders: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def described(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in sorted(self.calls.items())) or "none"


class CallCounter:
    """botocore 'before-call' / 'after-call' hooks: one count per API call (retries are not extra calls)."""

    def __init__(self) -> None:
        self._open: list[Tally] = []
        self._captured: list[tuple[str, dict[str, Any]]] | None = None

    def attach(self, session: boto3.session.Session) -> None:
        """Hooks go on the session before its clients exist: each client copies the session's hooks."""
        session.events.register("before-parameter-build", self._parameters)
        session.events.register("before-call", self._before_call)
        session.events.register("after-call", self._after_call)

    @contextmanager
    def tally(self) -> Iterator[Tally]:
        tally = Tally()
        self._open.append(tally)
        try:
            yield tally
        finally:
            self._open.remove(tally)

    @contextmanager
    def capturing(self) -> Iterator[list[tuple[str, dict[str, Any]]]]:
        """The operation and parameters of every call while open, as the caller passed them to boto3."""
        self._captured = []
        try:
            yield self._captured
        finally:
            self._captured = None

    def _parameters(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if self._captured is not None:
            self._captured.append((model.name, copy.deepcopy(params)))
        if self._open:
            context["bench_orders"] = set(_order_numbers(params))

    def _before_call(self, model: Any, context: dict[str, Any], **_: Any) -> None:
        if not self._open:
            return
        name = f"{model.service_model.service_name}.{model.name}"
        context["bench_operation"] = name
        orders = context.get("bench_orders", set())
        for tally in self._open:
            tally.calls[name] += 1
            tally.orders |= orders

    def _after_call(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        name = context.get("bench_operation")
        if not self._open or name is None:
            return
        read = _items_read(name, parsed)
        orders = set(_order_numbers(parsed.get("Items", []))) if name == "dynamodb.Query" else set()
        for tally in self._open:
            if read:
                tally.items_read[name] += read
            tally.orders |= orders


def _items_read(operation: str, parsed: dict[str, Any]) -> int:
    """Items DynamoDB read to answer: what Query and Scan examined, what GetItem and BatchGetItem found."""
    if operation in {"dynamodb.Query", "dynamodb.Scan"}:
        return int(parsed.get("ScannedCount", parsed.get("Count", 0)))
    if operation == "dynamodb.GetItem":
        return 1 if "Item" in parsed else 0
    if operation == "dynamodb.BatchGetItem":
        return sum(len(items) for items in parsed.get("Responses", {}).values())
    return 0


def _order_numbers(value: Any) -> Iterator[str]:
    """Order numbers named by a DynamoDB key anywhere in a request or a list of returned items."""
    if isinstance(value, dict):
        key = value.get("PK")
        if isinstance(key, dict) and isinstance(key.get("S"), str) and (found := _ORDER_KEY.match(key["S"])):
            yield found.group(1)
        for child in value.values():
            if isinstance(child, dict | list):
                yield from _order_numbers(child)
    elif isinstance(value, list):
        for child in value:
            yield from _order_numbers(child)


# ---------------------------------------------------------------- moto's transactions in O(items), not O(table)


def install_fast_moto_transactions() -> None:
    """moto deep-copies every table a TransactWriteItems names, before every transaction, to roll back: O(table).

    At 10,000 orders that copy, not the shop, would be what the benchmarks measure. This backs up only the items
    the transaction touches and the length of the table's stream, and restores them if moto cancels it: the same
    all-or-nothing result, in time proportional to the transaction.
    """
    backend = moto_dynamodb.DynamoDBBackend
    if getattr(backend.transact_write_items, "bench_fast", False):
        return
    original = backend.transact_write_items

    class _TablesNotCopied:
        def __getattr__(self, name: str) -> Any:
            return getattr(copy, name)

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    moto_dynamodb.copy = _TablesNotCopied()  # type: ignore[attr-defined]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        saved: list[tuple[Any, Any, Any, Any]] = []
        streams: dict[int, tuple[Any, int]] = {}
        for entry in transact_items:
            for op_type, op in entry.items():
                table = self.tables.get(op.get("TableName"))
                if table is None:
                    continue
                attributes = op["Item"] if op_type == "Put" else op.get("Key", {})
                hash_key, range_key = _moto_key(table, attributes)
                if hash_key is None:
                    continue
                current = table.get_item(hash_key, range_key) if (range_key or not table.has_range_key) else None
                saved.append((table, hash_key, range_key, copy.deepcopy(current)))
                if table.stream_shard is not None:
                    streams[id(table)] = (table.stream_shard, len(table.stream_shard.items))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(saved):
                _restore(table, hash_key, range_key, item)
            for shard, length in streams.values():
                del shard.items[length:]
            raise

    transact_write_items.bench_fast = True  # type: ignore[attr-defined]
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _moto_key(table: Any, attributes: dict[str, Any]) -> tuple[Any, Any]:
    hash_value = attributes.get(table.hash_key_attr)
    if hash_value is None:
        return None, None
    range_value = attributes.get(table.range_key_attr) if table.range_key_attr else None
    return DynamoType(hash_value), DynamoType(range_value) if range_value is not None else None


def _restore(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if table.has_range_key:
        if item is None:
            table.items.get(hash_key, {}).pop(range_key, None)
        else:
            table.items[hash_key][range_key] = item
    elif item is None:
        table.items.pop(hash_key, None)
    else:
        table.items[hash_key] = item


# ---------------------------------------------------------------- moto's DynamoDB answers, without its serializer


def install_fast_moto_json() -> None:
    """moto 5 walks every answer through a generic, shape-driven serializer: for DynamoDB, whose answers moto already
    holds as the wire's JSON (attribute values and all), that walk costs more than the rest of the call. An answer
    that is plain JSON is sent as it is, as moto did before; anything else (errors, dates, bytes) takes moto's path.
    """
    if getattr(ActionResult.execute_result, "bench_fast", False):
        return
    original = ActionResult.execute_result
    services = {"dynamodb", "dynamodbstreams"}
    plain = {ActionResult, DynamoResult}  # not PaginatedResult: it pages in execute_result

    def execute_result(self: Any, context: Any) -> Any:
        if type(self) in plain and isinstance(self.result, dict) and context.service_model.service_name in services:
            try:
                body = json.dumps(self.result, default=_wire_value)
            except TypeError:
                return original(self, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return original(self, context)

    execute_result.bench_fast = True  # type: ignore[attr-defined]
    ActionResult.execute_result = execute_result  # type: ignore[method-assign]


def _wire_value(value: Any) -> Any:
    """What the JSON protocols send for values JSON lacks: epoch seconds for times, base64 for bytes."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


# ---------------------------------------------------------------- the shop


@dataclass(frozen=True)
class Caller:
    member_id: str
    email: str
    staff: bool = False

    @property
    def claims(self) -> dict[str, str]:
        claims = {"sub": self.member_id, "email": self.email, "token_use": "id"}
        if self.staff:
            claims["cognito:groups"] = "staff"
        return claims


STAFF = Caller("5d9c0e77-staff", "staff@preorder-shop.example", staff=True)


@dataclass
class Invocation:
    function: str
    seconds: float
    tally: Tally


class BenchShop:
    """A fresh moto account with the template's resources, and fresh containers: handler modules imported anew."""

    def __init__(self, counter: CallCounter) -> None:
        install_fast_moto_transactions()
        install_fast_moto_json()
        self.counter = counter
        # The local Stripe, as the local stack runs it: checkout and re-settlement check the card with it.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        self.stripe = LocalStripeProcess(port).start()
        os.environ.update({"SHOP_STRIPE_API_BASE": self.stripe.url, "SHOP_STRIPE_NETWORK_RETRIES": "0"})
        self._mock = mock_aws()
        self._mock.start()
        self.session = boto3.session.Session(region_name=REGION)
        self.stack = provision(self.session)
        for environment in self.stack.environments.values():
            os.environ.update({k: v for k, v in environment.items() if k != "POWERTOOLS_SERVICE_NAME"})
        settings.cache_clear()
        clients.reset()
        counter.attach(clients.session())
        self.clock = FixedClock(START)
        runtime.use_clock(self.clock)
        self.functions = Functions(self.stack)
        self.routes = self.stack.template.routes()
        self.outbox = StreamPump(self.session, self.stack, self.functions, "ShopTable")
        self.shipping_queue = QueuePump(self.session, self.stack, self.functions, "ShippingDateQueue")
        self.invocations: list[Invocation] | None = None
        self._invoke = self.functions.invoke
        self.functions.invoke = self._logged_invoke  # type: ignore[method-assign]

    def close(self) -> None:
        self._mock.stop()
        self.stripe.stop()

    def saved_card(self, caller: Caller, number: str = "4242424242424242") -> str:
        """P1: the caller saves a card: the shop's SetupIntent, confirmed at the local Stripe as Stripe.js does."""
        status, setup = self.call("POST", "/payments/setup-intents", caller=caller)
        if status != 201:
            raise RuntimeError(f"setup intent: {status} {setup}")
        secret = setup["clientSecret"]
        confirmed = requests.post(
            f"{self.stripe.url}/v1/setup_intents/{secret.split('_secret_', 1)[0]}/confirm",
            data={
                "key": setup["publishableKey"],
                "client_secret": secret,
                "payment_method_data[type]": "card",
                "payment_method_data[card][number]": number,
                "payment_method_data[card][exp_month]": "12",
                "payment_method_data[card][exp_year]": "2030",
                "payment_method_data[card][cvc]": "123",
            },
            timeout=30,
        )
        confirmed.raise_for_status()
        return str(confirmed.json()["payment_method"])

    def __enter__(self) -> BenchShop:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def logging_invocations(self) -> Iterator[list[Invocation]]:
        """Every invocation while open: which function, how long, and its AWS calls."""
        self.invocations = []
        try:
            yield self.invocations
        finally:
            self.invocations = None

    def _logged_invoke(self, logical_id: str, event: dict[str, Any], remaining_millis: Any = None) -> Any:
        if self.invocations is None:
            return self._invoke(logical_id, event, remaining_millis)
        with self.counter.tally() as tally:
            started = time.perf_counter()
            try:
                return self._invoke(logical_id, event, remaining_millis)
            finally:
                self.invocations.append(Invocation(logical_id, time.perf_counter() - started, tally))

    @contextmanager
    def without_stream(self, table: str = "ShopTable") -> Iterator[Any]:
        """Writes made inside leave no stream records: data seeded for a measurement is not news to deliver."""
        moto_table = dynamodb_backends[ACCOUNT][REGION].get_table(self.stack.ref(table))
        shard, moto_table.stream_shard = moto_table.stream_shard, None
        try:
            yield moto_table
        finally:
            moto_table.stream_shard = shard

    def put_raw(self, items: Iterable[dict[str, Any]], table: str = "ShopTable") -> int:
        """Items (DynamoDB JSON) written straight into moto's table, without a stream record: seeding, unmeasured."""
        written = 0
        with self.without_stream(table) as moto_table:
            for item in items:
                moto_table.put_item(item)
                written += 1
        return written

    def put_alike(self, template: dict[str, Any], changes: Iterable[dict[str, Any]], table: str = "ShopTable") -> int:
        """Many items that differ from `template` in a few top-level attributes, written straight into moto's table.

        For bulk that is only there to be skipped (seeding, unmeasured): the attributes that do not change are shared
        between the items rather than built anew for each, which moto would take minutes over at 100,000 items.
        """
        written = 0
        with self.without_stream(table) as moto_table:
            shared = moto_table.put_item(template).attrs
            for change in changes:
                attrs = dict(shared)
                attrs.update({name: DynamoType(value) for name, value in change.items()})
                hash_key = attrs[moto_table.hash_key_attr]
                range_key = attrs[moto_table.range_key_attr]
                item = Item.__new__(Item)
                item.hash_key, item.range_key, item.attrs = hash_key, range_key, attrs
                moto_table.items[hash_key][range_key] = item
                written += 1
        return written

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        caller: Caller | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """An API Gateway request, routed as the template routes it; returns (status, parsed body)."""
        function, event = self.api_request(method, path, body, caller=caller, headers=headers)
        response = self.functions.invoke(function, event)
        text = response.get("body") or ""
        return response["statusCode"], json.loads(text) if text else None

    def api_request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        caller: Caller | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        for route in self.routes:
            pattern = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route.path) + "$"
            found = re.match(pattern, path)
            if route.method == method and found:
                event = api_event(
                    method,
                    route.path,
                    path,
                    path_parameters=found.groupdict(),
                    body=body,
                    headers=headers,
                    claims=caller.claims if caller and not route.public else None,
                )
                return route.function, event
        raise LookupError(f"template.yaml has no route {method} {path}")

    def drain(self, on_round: Callable[[], None] | None = None) -> None:
        """Run the shipping-date queue and the outbox stream until neither has anything left."""
        while True:
            moved = self.shipping_queue.drain(max_rounds=1_000_000) + self.outbox.step()
            if on_round is not None:
                on_round()
            if moved == 0:
                return


@contextmanager
def quiet_stdout() -> Iterator[None]:
    """Powertools writes a log line and a metrics line per invocation: formatted as on Lambda, then discarded."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
