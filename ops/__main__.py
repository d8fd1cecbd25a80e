"""python -m ops: act on a deployed stack (--stack NAME) or the local shop (--local [URL]).

python -m ops --stack preorder-shop outbox list            parked outbox entries (OutboxParkedAlarm)
python -m ops --stack preorder-shop outbox redrive ID...   back to the sweeper (or --all)
python -m ops --stack preorder-shop dlq list QUEUE         QUEUE: payment-events, shipping-date,
                                                           settlement, outbox, functions
python -m ops --stack preorder-shop dlq redrive QUEUE      payment events back to the bus, jobs back to their queue
python -m ops --stack preorder-shop dlq purge QUEUE        delete what was read (outbox, functions)

Output is JSON lines on stdout. See docs/operations.md for what each alarm means and which command follows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from ops import commands
from ops import target as targets
from ops.target import DEAD_LETTER_QUEUES, Target


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ops", description="Operate a preorder-shop stack.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--stack", help="a deployed stack's name (AWS credentials and region from the environment)")
    where.add_argument("--local", nargs="?", const="http://127.0.0.1:3000", help="the local shop (default port 3000)")
    parser.add_argument("--region", help="the stack's region (default: the environment's)")
    commands = parser.add_subparsers(dest="command", required=True)
    outbox = commands.add_parser("outbox", help="parked outbox entries").add_subparsers(dest="action", required=True)
    outbox.add_parser("list", help="the parked entries, oldest first")
    redrive = outbox.add_parser("redrive", help="send parked entries back to the sweeper")
    redrive.add_argument("ids", nargs="*", help="outbox ids (from outbox list)")
    redrive.add_argument("--all", action="store_true", help="every parked entry")
    dlq = commands.add_parser("dlq", help="dead-letter queues").add_subparsers(dest="action", required=True)
    for action in ("list", "redrive", "purge"):
        dlq.add_parser(action).add_argument("queue", choices=sorted(DEAD_LETTER_QUEUES))
    return parser


def main(argv: list[str] | None = None, target: Target | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if target is None:
        target = (
            targets.deployed(arguments.stack, arguments.region) if arguments.stack else targets.local(arguments.local)
        )
    target.activate()

    def emit(value: Any) -> None:
        print(json.dumps(value, sort_keys=True, default=str))

    actions: dict[tuple[str, str], Callable[[], Any]] = {
        ("outbox", "list"): lambda: [emit(_summary(e)) for e in commands.parked_entries()],
        ("outbox", "redrive"): lambda: emit(
            {
                "redriven": commands.redrive_parked(
                    [e["outboxId"] for e in commands.parked_entries()] if arguments.all else arguments.ids
                )
            }
        ),
        ("dlq", "list"): lambda: [emit(m) for m in commands.peek(target, arguments.queue)],
        ("dlq", "redrive"): lambda: emit({"redriven": commands.redrive(target, arguments.queue)}),
        ("dlq", "purge"): lambda: emit({"purged": commands.purge(target, arguments.queue)}),
    }
    try:
        actions[(arguments.command, arguments.action)]()
    except ValueError as refused:
        print(f"error: {refused}", file=sys.stderr)
        return 2
    return 0


def _summary(entry: dict[str, Any]) -> dict[str, Any]:
    """What an operator needs to decide: what it is, since when, how often it failed and why (no email body)."""
    keep = (
        "outboxId",
        "kind",
        "emailKind",
        "orderNumber",
        "detailType",
        "createdAt",
        "parkedAt",
        "sweepAttempts",
        "lastError",
    )
    return {key: entry[key] for key in keep if key in entry}


if __name__ == "__main__":
    sys.exit(main())
