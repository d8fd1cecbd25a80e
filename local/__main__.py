"""python -m local: run the whole shop on this machine, and drive it.

python -m local start [--port 3000] [--aws-port 4599] [--no-seed]
python -m local token EMAIL PASSWORD       sign in (POST /sessions) and print the ID token
python -m local clock advance 7d           move the shop's clock (also: clock show, clock reset)
python -m local schedule run               run the scheduled jobs now
python -m local mail [--to ADDRESS] [--part text|html]  the emails sent, newest first (and a part of each)
python -m local reset                      empty the shop: seed data only, clock at the real time
python -m local demo                       a narrated walk through the guide's flow

Every command but start and demo speaks to the shop at --url (default $SHOP_URL or port 3000). What
the shop refuses, or a shop that does not answer, is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
from typing import Any, NoReturn

from local.client import (
    DEFAULT_API_PORT,
    DEFAULT_AWS_PORT,
    DEFAULT_STRIPE_PORT,
    DEFAULT_URL,
    ShopClient,
    ShopError,
    command_for,
)
from local.demo import run_demo
from local.output import WholeLines
from local.seed import STAFF_EMAIL, STAFF_PASSWORD
from local.stack import LocalStack, PortTaken


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line too, with where to read more."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see: {self.prog} --help)\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m local", description="The preorder shop, locally.")
    parser.add_argument(
        "--url",
        default=os.environ.get("SHOP_URL", DEFAULT_URL),
        help="a running local shop (default: $SHOP_URL or http://127.0.0.1:3000)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start the local stack and serve until Ctrl-C")
    start.add_argument("--port", type=int, default=DEFAULT_API_PORT, help="the API's port (default 3000)")
    start.add_argument("--aws-port", type=int, default=DEFAULT_AWS_PORT, help="embedded AWS port (default 4599)")
    start.add_argument("--no-seed", action="store_true", help="start with an empty catalogue")
    start.add_argument(
        "--stripe-port", type=int, default=DEFAULT_STRIPE_PORT, help="the local Stripe's port (default 4598)"
    )
    token = commands.add_parser("token", help="sign in through POST /sessions and print the ID token")
    token.add_argument("email")
    token.add_argument("password")
    card = commands.add_parser(
        "card", help="save a Stripe test card for the signed-in member, as Stripe.js would; prints its PaymentMethod id"
    )
    card.add_argument("token", help="the member's ID token (python -m local token ...)")
    card.add_argument("number", nargs="?", default="4242424242424242", help="a Stripe test card (default 4242...)")
    clock = commands.add_parser("clock", help="show, move or reset the shop's clock")
    clock_actions = clock.add_subparsers(dest="action", required=True)
    clock_actions.add_parser("show", help="the shop's time and how far it is from the real time")
    advance = clock_actions.add_parser("advance", help="move the shop's clock forward")
    advance.add_argument("duration", help="e.g. 7d, 36h, 6d23h, 90m")
    clock_actions.add_parser("reset", help="the shop's clock back to the real time")
    schedule = commands.add_parser("schedule", help="run the scheduled jobs now")
    schedule.add_argument("action", choices=["run"])
    mail = commands.add_parser("mail", help="list the emails sent")
    mail.add_argument("--to", help="only mail to this address")
    mail.add_argument("--part", choices=["text", "html"], help="print each email's text or HTML part too")
    commands.add_parser("reset", help="empty the shop (seed data only) and put its clock back to the real time")
    demo = commands.add_parser("demo", help="a narrated walk through the guide's flow")
    demo.add_argument("--port", type=int, default=DEFAULT_API_PORT, help="the shop to walk on, or to start (3000)")
    demo.add_argument("--aws-port", type=int, default=DEFAULT_AWS_PORT, help="its embedded AWS, if started (4599)")
    args = parser.parse_args(argv)

    try:
        return int(_COMMANDS[args.command](args))
    except (ShopError, PortTaken, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _start(args: argparse.Namespace) -> NoReturn:
    sys.stdout = WholeLines(sys.stdout)  # before the functions' loggers pick their stream
    print("Starting the local shop (embedded AWS, API, events, schedules, mailbox)...", flush=True)
    stack = LocalStack(
        api_port=args.port, aws_port=args.aws_port, seed_data=not args.no_seed, stripe_port=args.stripe_port
    ).start()
    url = stack.url
    cli = command_for(url)
    print(
        f"""
preorder-shop is running.
  Storefront   {url}/
  Console      {url}/console/   (staff)
  API          {url}            (e.g. curl {url}/products)
  Mailbox      {url}/_local/mail
  API docs     {url}/_local/docs   (OpenAPI: {url}/_local/openapi.json)
  Embedded AWS {stack.aws.endpoint}
  Local Stripe {stack.stripe.url}   (Stripe.js stand-in: {stack.stripe.url}/js.stripe.com/v3/)

Staff account: {STAFF_EMAIL} / {STAFF_PASSWORD}
  token:  {cli} token {STAFF_EMAIL} '{STAFF_PASSWORD}'
Demo catalogue: {", ".join(p.product_id for p in stack.products) or "(none)"}
Stripe test cards: 4242424242424242 (paid), 4000000000000341 (saved, then declined),
  4000002760003184 (needs authentication: fails off-session), 4000000000000002 (refused when saved)
Stripe outage for P3: curl -X POST {stack.stripe.url}/_config/outage -d '{{"mode": "error"}}' (DELETE ends it)
Clock: {cli} clock advance 7d     Schedule now: {cli} schedule run
Start over (seed data only, clock at the real time): {cli} reset
Ctrl-C stops the shop.""",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    with contextlib.suppress(KeyboardInterrupt):
        # Timed waits: Python runs signal handlers in this thread only, and a signal the kernel hands to one
        # of the shop's busy threads would otherwise wait for this thread to wake up, which it never did.
        while not stopped.wait(timeout=0.5):
            pass
    print("\nStopping...", flush=True)
    stack.stop()
    print("Stopped.", flush=True)
    # Everything lived in memory and is stopped: Python's own teardown would free the embedded AWS's objects
    # one by one, which took most of a minute after the end-to-end tests.
    sys.stderr.flush()
    os._exit(0)


def _token(args: argparse.Namespace) -> int:
    print(ShopClient(args.url).sign_in(args.email, args.password))
    return 0


def _clock(args: argparse.Namespace) -> int:
    shop = ShopClient(args.url)
    if args.action == "advance":
        config = shop.advance_clock(args.duration)
    elif args.action == "reset":
        config = shop.reset_clock()
    else:
        config = shop.control("GET", "/_local/config")
    print(_shop_time(config))
    return 0


def _shop_time(config: dict[str, Any]) -> str:
    return f"shop time: {config['now']} (offset {config['clockOffsetSeconds'] / 86400:.2f} days)"


def _schedule(args: argparse.Namespace) -> int:
    print(json.dumps(ShopClient(args.url).run_schedules(), indent=2))
    return 0


def _mail(args: argparse.Namespace) -> int:
    """One line per email, newest first (date in shop time, from, to, subject); with --part, its text or
    HTML part under it."""
    for mail in ShopClient(args.url).mail(args.to):
        print(f"{mail['date']}  {mail['from']} -> {', '.join(mail['to'])}: {mail['subject']}")
        if args.part:
            print("\n".join(f"    {line}" for line in mail[args.part].splitlines()) + "\n")
    return 0


def _reset(args: argparse.Namespace) -> int:
    done = ShopClient(args.url).reset()
    tables = ", ".join(f"{table} {count}" for table, count in done["removedItems"].items())
    print(
        f"The shop is as new ({done['seconds']:.1f} s): removed {sum(done['removedItems'].values())} items "
        f"({tables}), {done['removedMembers']} members and {done['removedEmails']} emails, "
        f"purged {done['purgedQueues']} queues."
    )
    seeded = ", ".join(done["seededProducts"])
    print(f"Seed data: {seeded}, and the staff account {STAFF_EMAIL}." if seeded else "No seed data (--no-seed).")
    print(_shop_time(done))
    return 0


def _demo(args: argparse.Namespace) -> int:
    return run_demo(api_port=args.port, aws_port=args.aws_port)


def _card(args: argparse.Namespace) -> int:
    print(ShopClient(args.url).save_card(args.token, args.number))
    return 0


_COMMANDS = {
    "start": _start,
    "token": _token,
    "card": _card,
    "clock": _clock,
    "schedule": _schedule,
    "mail": _mail,
    "reset": _reset,
    "demo": _demo,
}

if __name__ == "__main__":
    sys.exit(main())
