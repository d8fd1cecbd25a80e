"""python -m local: run the whole shop on this machine, and drive it.

python -m local start [--port 3000] [--aws-port 4599] [--no-seed]
python -m local token EMAIL PASSWORD       print an ID token for the Authorization header
python -m local clock advance 7d           move the shop's clock (also: clock show)
python -m local schedule run               run the scheduled jobs now
python -m local mail [--to ADDRESS]        list the emails sent, newest first
python -m local demo                       a narrated walk through the guide's flow
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
import threading
import urllib.parse
from typing import Any

import requests

from local.client import ShopClient
from local.demo import run_demo
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from local.stack import DEFAULT_API_PORT, DEFAULT_AWS_PORT, LocalStack, PortTaken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local", description="The preorder shop, locally.")
    parser.add_argument(
        "--url",
        default=os.environ.get("SHOP_URL", f"http://127.0.0.1:{DEFAULT_API_PORT}"),
        help="a running local shop (default: $SHOP_URL or http://127.0.0.1:3000)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start the local stack and serve until Ctrl-C")
    start.add_argument("--port", type=int, default=DEFAULT_API_PORT, help="the API's port (default 3000)")
    start.add_argument("--aws-port", type=int, default=DEFAULT_AWS_PORT, help="embedded AWS port (default 4599)")
    start.add_argument("--no-seed", action="store_true", help="start with an empty catalogue")
    token = commands.add_parser("token", help="sign in and print an ID token")
    token.add_argument("email")
    token.add_argument("password")
    clock = commands.add_parser("clock", help="show or move the shop's clock")
    clock.add_argument("action", choices=["show", "advance"])
    clock.add_argument("duration", nargs="?", default="", help="e.g. 7d, 36h, 6d23h")
    schedule = commands.add_parser("schedule", help="run the scheduled jobs now")
    schedule.add_argument("action", choices=["run"])
    mail = commands.add_parser("mail", help="list the emails sent")
    mail.add_argument("--to", help="only mail to this address")
    demo = commands.add_parser("demo", help="a narrated walk through the guide's flow")
    demo.add_argument("--port", type=int, default=DEFAULT_API_PORT)
    demo.add_argument("--aws-port", type=int, default=DEFAULT_AWS_PORT)
    args = parser.parse_args(argv)

    try:
        return int(_COMMANDS[args.command](args))
    except PortTaken as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except requests.ConnectionError:
        print(f"error: no local shop answers at {args.url}; start it with 'make run'.", file=sys.stderr)
        return 2


def _start(args: argparse.Namespace) -> int:
    print("Starting the local shop (embedded AWS, API, events, schedules, mailbox)...", flush=True)
    stack = LocalStack(api_port=args.port, aws_port=args.aws_port, seed_data=not args.no_seed).start()
    url = stack.url
    print(
        f"""
preorder-shop is running.
  API          {url}            (e.g. curl {url}/products)
  Mailbox      {url}/_local/mail
  API docs     {url}/_local/docs   (OpenAPI: {url}/_local/openapi.json)
  Embedded AWS {stack.aws.endpoint}

Staff account: {STAFF_EMAIL} / {STAFF_PASSWORD}
  token:  .venv/bin/python -m local token {STAFF_EMAIL} '{STAFF_PASSWORD}'
Demo catalogue: {", ".join(p.product_id for p in stack.products) or "(none)"}
Payment sandbox tokens: tok_success (paid), tok_declined (fails), tok_fail_once (fails, then pays)
Clock: .venv/bin/python -m local clock advance 7d     Schedule now: .venv/bin/python -m local schedule run
Ctrl-C stops the shop.""",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        stopped.wait()
    print("\nStopping...", flush=True)
    stack.stop()
    print("Stopped.")
    # The interpreter's last garbage collection would walk every object moto holds: after a test run, 10 to
    # 45 s before the process ends. Nothing needs collecting on the way out.
    gc.freeze()
    return 0


def _call(url: str, method: str = "GET", body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    reply = requests.request(method, url, data=data, headers={"Content-Type": "application/json"}, timeout=120)
    if reply.status_code >= 400:
        raise SystemExit(f"error: {method} {url}: {reply.status_code} {reply.text}")
    return reply.json()


def _token(args: argparse.Namespace) -> int:
    print(ShopClient(args.url).sign_in(args.email, args.password))
    return 0


def _clock(args: argparse.Namespace) -> int:
    if args.action == "show":
        config = _call(f"{args.url}/_local/config")
    else:
        config = _call(f"{args.url}/_local/clock", "POST", {"advance": args.duration})
    print(f"shop time: {config['now']} (offset {config['clockOffsetSeconds'] / 86400:.2f} days)")
    return 0


def _schedule(args: argparse.Namespace) -> int:
    print(json.dumps(_call(f"{args.url}/_local/schedules/run", "POST", {}), indent=2))
    return 0


def _mail(args: argparse.Namespace) -> int:
    query = f"?to={urllib.parse.quote(args.to)}" if args.to else ""
    for mail in _call(f"{args.url}/_local/mail.json{query}"):
        print(f"{', '.join(mail['to'])}: {mail['subject']}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    return run_demo(api_port=args.port, aws_port=args.aws_port)


_COMMANDS = {
    "start": _start,
    "token": _token,
    "clock": _clock,
    "schedule": _schedule,
    "mail": _mail,
    "demo": _demo,
}

if __name__ == "__main__":
    sys.exit(main())
