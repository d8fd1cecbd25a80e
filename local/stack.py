"""The whole shop on one machine: embedded AWS, the API, events, schedules, mail, a movable clock."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import traceback
from datetime import timedelta
from typing import Any

import boto3
from werkzeug.wrappers import Request, Response

from local import cognito as pool_behaviour
from local import front, mailbox, openapi, web
from local.aws import LOOPBACK, EmbeddedAws
from local.client import DEFAULT_API_PORT, DEFAULT_AWS_PORT, DEFAULT_STRIPE_PORT
from local.events import RulePump, Scheduler, schedules, wire_rules
from local.gateway import CognitoAuthorizer, Gateway
from local.lambdas import Functions, QueuePump, StreamPump
from local.provision import LOCAL_SECRETS, REGION, Stack, provision
from local.reset import empty_tables, purge_queues, remove_members
from local.seed import STAFF_EMAIL, seed
from local.simulator import MailboxSimulator
from local.stripe_process import LocalStripeProcess
from shop.clock import SystemClock, iso
from shop_aws import clients, runtime
from shop_aws.settings import settings


class PortTaken(RuntimeError):
    pass


def check_port_free(port: int, what: str) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((LOOPBACK, port))
        except OSError as error:
            raise PortTaken(
                f"Port {port} on {LOOPBACK} ({what}) is already in use. Stop what is using it "
                f"(is the shop already running?) or pick another port with the flag shown in --help."
            ) from error


_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def parse_duration(text: str) -> timedelta:
    """7d, 36h, 6d23h, 90m, 30s."""
    found = _DURATION.match(text.strip())
    if not text.strip() or found is None:
        raise ValueError(f"not a duration: {text!r} (use forms like 7d, 36h, 6d23h, 90m)")
    days, hours, minutes, seconds = (int(part or 0) for part in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


class LocalStack:
    def __init__(
        self,
        api_port: int = DEFAULT_API_PORT,
        aws_port: int = DEFAULT_AWS_PORT,
        seed_data: bool = True,
        stripe_port: int = DEFAULT_STRIPE_PORT,
    ):
        self.api_port = api_port
        self.aws_port = aws_port
        self.stripe = LocalStripeProcess(stripe_port)
        self.seed_data = seed_data
        self.clock = SystemClock()
        self.aws = EmbeddedAws(aws_port)
        self._stop = threading.Event()
        self._pumping = threading.Lock()
        self._worker: threading.Thread | None = None
        self.pump_errors = 0

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.api_port}"

    def start(self) -> LocalStack:
        check_port_free(self.api_port, "the shop's API")
        check_port_free(self.aws_port, "the embedded AWS")
        check_port_free(self.stripe.port, "the local Stripe")
        self.aws.start()
        self.stripe.start()
        self.session = boto3.session.Session(region_name=REGION)
        # Links in emails open the storefront's pages (web/storefront, served here by local/web.py).
        self.stack: Stack = provision(self.session, {"FrontEndUrl": self.url})
        for environment in self.stack.environments.values():
            os.environ.update({k: v for k, v in environment.items() if k != "POWERTOOLS_SERVICE_NAME"})
        os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
        # The functions' Stripe calls go to the local Stripe (the library's own base address, nothing else).
        os.environ.update(
            {
                "SHOP_STRIPE_API_BASE": self.stripe.url,
                "SHOP_STRIPE_TIMEOUT_SECONDS": "10",
                "SHOP_STRIPE_NETWORK_RETRIES": "1",
            }
        )
        settings.cache_clear()
        clients.reset()
        mailbox.listen(clients.session(), self.clock)  # the text part and shop time moto does not keep
        runtime.use_clock(self.clock)
        self.functions = Functions(self.stack)
        for logical_id in self.functions.specs:  # warm containers: the first request is not an import
            self.functions.module(logical_id)
        self.stream_pump = StreamPump(self.session, self.stack, self.functions, "ShopTable")
        self.pumps: list[Any] = [self.stream_pump]
        self.pumps += [
            QueuePump(self.session, self.stack, self.functions, queue) for queue in self._event_source_queues()
        ]
        self.pumps += [RulePump(self.session, self.functions, route) for route in wire_rules(self.session, self.stack)]
        self.simulator = MailboxSimulator(self.session, self.stack, self.functions)
        self.pumps.append(self.simulator)
        self.scheduler = Scheduler(self.functions, schedules(self.stack))
        self.authorizer = CognitoAuthorizer(
            self.aws.endpoint, self.stack.ref("UserPool"), self.stack.ref("UserPoolClient")
        )
        self.gateway = Gateway(self.stack, self.functions, self.authorizer)
        self._add_local_routes()
        # Seed before serving: whoever sees the API answer can sign in as staff and buy the demo catalogue.
        self.products = seed(self.session, self.stack, self.clock.now()) if self.seed_data else []
        self.api_port = self.gateway.start(self.api_port)
        self._register_webhook()
        self._worker = threading.Thread(target=self._work, name="pumps", daemon=True)
        self._worker.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._worker is not None:
            self._worker.join(timeout=10)
        self.gateway.stop()
        self.aws.stop()
        self.stripe.stop()

    def _event_source_queues(self) -> list[str]:
        queues = []
        for spec in self.stack.template.functions().values():
            for event in spec.events.values():
                if event["Type"] == "SQS":
                    queue_arn = self.stack.resolver.resolve(event["Properties"]["Queue"])
                    queues += [
                        q
                        for q in self.stack.template.of_type("AWS::SQS::Queue")
                        if self.stack.attribute(q, "Arn") == queue_arn
                    ]
        return queues

    # ------------------------------------------------------------ background work
    def _work(self) -> None:
        while not self._stop.is_set():
            with self._pumping:
                busy = self._pump_round()
                self.scheduler.tick()
            if not busy:
                self._stop.wait(0.05)

    def pump_all(self) -> int:
        """One round of every background delivery; returns how much work there was."""
        with self._pumping:
            return self._pump_round()

    def _pump_round(self) -> int:
        handled = 0
        for pump in self.pumps:
            try:
                handled += pump.step()
            except Exception:
                self.pump_errors += 1
                traceback.print_exc()  # the delivery is retried on the next round
        return handled

    # ------------------------------------------------------------ controls
    def advance_clock(self, by: timedelta) -> None:
        self.clock.offset += by

    def reset_clock(self) -> None:
        """The shop's clock back to the real time."""
        self.clock.offset = timedelta(0)

    def reset(self) -> dict[str, Any]:
        """Empty the shop in place and put back what start seeded, the clock at the real time.

        Every table's items, every queue's messages, the mailbox, every member but the seeded staff
        account, the user pool's failed sign-ins (local/cognito.py), the local Stripe's customers, cards and
        charges; the pumps
        move past what was deleted and the schedules start their rates again. No delivery or schedule
        runs meanwhile; the API keeps answering.
        """
        started = time.monotonic()
        with self._pumping, self.scheduler.paused():
            items = empty_tables(self.session, self.stack)
            queues = purge_queues(self.session)
            emails = mailbox.empty()
            members = remove_members(self.session, self.stack, keep={STAFF_EMAIL} if self.seed_data else set())
            self.stripe.forget_everything()
            self._register_webhook()
            pool_behaviour.lockout.forget()
            self.reset_clock()
            self.products = seed(self.session, self.stack, self.clock.now()) if self.seed_data else []
            self.stream_pump.skip_to_end()
            self.simulator.skip_to_end()
            self.scheduler.restart()
            self.pump_errors = 0
        return {
            "removedItems": items,
            "removedMembers": members,
            "removedEmails": emails,
            "purgedQueues": queues,
            "seededProducts": [product.product_id for product in self.products],
            "seconds": round(time.monotonic() - started, 3),
            **self.config(),
        }

    def config(self) -> dict[str, Any]:
        return {
            "apiUrl": self.url,
            "awsEndpoint": self.aws.endpoint,
            "region": REGION,
            "userPoolId": self.stack.ref("UserPool"),
            "userPoolClientId": self.stack.ref("UserPoolClient"),
            "eventBusName": self.stack.ref("ShopBus"),
            # The front end's Stripe.js, and where it saves cards: the local Stripe (on AWS: js.stripe.com).
            "stripeJsUrl": f"{self.stripe.url}/js.stripe.com/v3/",
            "stripeApiUrl": self.stripe.url,
            "now": iso(self.clock.now()),
            "clockOffsetSeconds": self.clock.offset.total_seconds(),
        }

    def _add_local_routes(self) -> None:
        gateway = self.gateway
        gateway.add_local("GET", "/_local/config", lambda request, _: _json(200, self.config()))
        gateway.add_local("GET", "/_local/routes", lambda request, _: _json(200, self._routes()))
        gateway.add_local("GET", "/_local/ops", lambda request, _: _json(200, self._ops()))
        gateway.add_local("GET", "/_local/mail", self._mail_page)
        gateway.add_local("GET", "/_local/mail.json", self._mail_json)
        gateway.add_local("GET", "/_local/mail/<message_id>", self._mail_message)
        gateway.add_local("GET", "/_local/openapi.json", self._openapi_json)
        gateway.add_local("GET", "/_local/docs", self._swagger)
        gateway.add_local(
            "GET", "/_local/swagger-ui-bundle.min.js", _asset("swagger-ui-bundle.min.js", "text/javascript")
        )
        gateway.add_local("GET", "/_local/swagger-ui.min.css", _asset("swagger-ui.min.css", "text/css"))
        gateway.add_local("GET", "/_local/verify-email", self._verify_email_page)
        gateway.add_local("GET", "/_local/reset-password", self._reset_password_page)
        gateway.add_local("GET", "/_local/account", self._my_account_page)
        gateway.add_local("GET", "/_local/account/orders/<order_number>", self._my_account_page)
        gateway.add_local("GET", "/_local/account/support-requests/<request_id>", self._my_account_page)
        gateway.add_local("POST", "/_local/clock", self._advance_clock)
        gateway.add_local("POST", "/_local/clock/reset", self._reset_clock)
        gateway.add_local("POST", "/_local/reset", lambda request, _: _json(200, self.reset()))
        gateway.add_local("POST", "/_local/schedules/run", self._run_schedules)
        web.add_routes(gateway.add_local, self.web_config)

    def web_config(self) -> dict[str, Any]:
        """The front ends' config.json for this shop: what tools/web_deploy.py writes from stack outputs."""
        return {
            "apiUrl": self.url,
            "region": REGION,
            "userPoolId": self.stack.ref("UserPool"),
            "userPoolClientId": self.stack.ref("UserPoolClient"),
            "mailboxUrl": f"{self.url}/_local/mail",
            # Stripe.js: the local Stripe's stand-in (on AWS js.stripe.com); its test cards are listed at checkout.
            "stripeJsUrl": f"{self.stripe.url}/js.stripe.com/v3/",
            "testCards": True,
        }

    def _register_webhook(self) -> None:
        self.stripe.register_webhook(f"{self.url}/payments/stripe/webhook", LOCAL_SECRETS["StripeWebhookSecretName"])

    def _ops(self) -> dict[str, Any]:
        """What `python -m ops --local` needs: the embedded AWS, the queues and bus, the sweeper's environment."""
        return {
            "awsEndpoint": self.aws.endpoint,
            "environment": self.stack.environments["OutboxSweeperFunction"],
            "queues": {name: self.stack.ref(name) for name in self.stack.template.of_type("AWS::SQS::Queue")},
            "busName": self.stack.ref("ShopBus"),
        }

    def _routes(self) -> list[dict[str, Any]]:
        """The API routes this gateway serves: exactly template.yaml's."""
        return [
            {"method": r.route.method, "path": r.route.path, "function": r.route.function, "public": r.route.public}
            for r in self.gateway.routes
        ]

    def _mail_page(self, request: Request, _: dict[str, str]) -> Response:
        return Response(mailbox.list_page(request.args.get("to")), content_type="text/html; charset=utf-8")

    def _mail_json(self, request: Request, _: dict[str, str]) -> Response:
        return _json(200, [m.to_json() for m in mailbox.all_mail(request.args.get("to"))])

    def _mail_message(self, request: Request, parameters: dict[str, str]) -> Response:
        found = mailbox.find(parameters["message_id"])
        if found is None:
            return _json(404, {"message": "no such email"})
        return Response(mailbox.message_page(found), content_type="text/html; charset=utf-8")

    def _verify_email_page(self, request: Request, _: dict[str, str]) -> Response:
        page = front.verify_email_page(request.args.get("token", ""))
        return Response(page, content_type="text/html; charset=utf-8")

    def _my_account_page(self, request: Request, parameters: dict[str, str]) -> Response:
        what = {"order_number": "order {}", "request_id": "support request {}"}
        shown = [what[name].format(value) for name, value in parameters.items()] or ["the member's account"]
        return Response(front.my_account_page(shown[0]), content_type="text/html; charset=utf-8")

    def _reset_password_page(self, request: Request, _: dict[str, str]) -> Response:
        page = front.reset_password_page(request.args.get("email", ""), request.args.get("code", ""))
        return Response(page, content_type="text/html; charset=utf-8")

    def _openapi_json(self, request: Request, _: dict[str, str]) -> Response:
        return _json(200, openapi.document(self.functions, self.url))

    def _swagger(self, request: Request, _: dict[str, str]) -> Response:
        spec = json.dumps(openapi.document(self.functions, self.url))
        return Response(openapi.swagger_page(spec), content_type="text/html; charset=utf-8")

    def _advance_clock(self, request: Request, _: dict[str, str]) -> Response:
        try:
            by = parse_duration(str((request.get_json(silent=True) or {}).get("advance", "")))
        except ValueError as error:
            return _json(400, {"message": str(error)})
        self.advance_clock(by)
        return _json(200, self.config())

    def _reset_clock(self, request: Request, _: dict[str, str]) -> Response:
        self.reset_clock()
        return _json(200, self.config())

    def _run_schedules(self, request: Request, _: dict[str, str]) -> Response:
        return _json(200, self.scheduler.run_now())

    def wait_until_idle(self, timeout: float = 10.0) -> None:
        """Let background deliveries (outbox, queues, events) finish: for the demo and tests."""
        deadline = time.monotonic() + timeout
        quiet_rounds = 0
        while time.monotonic() < deadline and quiet_rounds < 3:
            quiet_rounds = quiet_rounds + 1 if self.pump_all() == 0 else 0
            time.sleep(0.05)


def _asset(name: str, content_type: str) -> Any:
    data = openapi.swagger_asset(name)
    return lambda request, _: Response(data, content_type=content_type)


def _json(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")
