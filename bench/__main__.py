"""`make bench`: every measure of docs/performance.md in one run; the table is printed and written there.

    python -m bench                       # everything, as `make bench` runs it
    python -m bench --fanout 1000,10000   # the fan-out at full scale (about 15 minutes more here)
    python -m bench --no-write            # print the table, leave docs/performance.md alone

Cold starts are measured first and alone: nothing else runs while a process times its imports. Then the fan-out
and the expiry run in a second process while the others run in this one (the machine has two CPUs here; the
measures that compare times take both sides in alternation, so sharing the machine weighs on both alike).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import boto3
from moto import mock_aws

import bench.harness  # noqa: F401 - fake credentials and the layer on the path before anything else
from bench import cold_start, expiry, fanout, report, round_trips, settlement, size, snapstart, warm
from bench.harness import CallCounter
from local.provision import REGION, provision
from local.template import ROOT

DOC = ROOT / "docs" / "performance.md"
_started = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _started:5.0f} s] {message}", file=sys.stderr, flush=True)


def _quiet_warnings() -> None:
    warnings.filterwarnings("ignore", message="No application metrics to publish")


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def run_background(orders: list[int], expiry_orders: int, expiry_due: int, output: Path) -> None:
    """The fan-out at each size, then the expiry: the second process's share, written as JSON."""
    _quiet_warnings()
    fanouts = []
    for count in orders:
        result = fanout.measure(CallCounter(), count)
        fanouts.append(dataclasses.asdict(result) | {"calls": dict(result.calls)})
        say(f"fan-out of {count:,} orders: {result.seconds:.0f} s, {result.calls_per_order:.3f} calls/order")
    expired = None
    if expiry_orders:
        say(f"expiry: {expiry_orders:,} orders, {expiry_due:,} due")
        expired = dataclasses.asdict(expiry.measure(CallCounter(), expiry_orders, expiry_due))
    output.write_text(json.dumps({"fanouts": fanouts, "expiry": expired}), encoding="utf-8")


def _start_background(args: argparse.Namespace, output: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "bench", "background", "--fanout", args.fanout, "--json", str(output)]
    command += ["--expiry-orders", str(args.expiry_orders), "--expiry-due", str(args.expiry_due)]
    return subprocess.Popen(command, cwd=ROOT)  # noqa: S603 - our own module, our own arguments


def _environments() -> tuple[dict[str, object], dict[str, dict[str, str]]]:
    """Each function's environment as template.yaml resolves it (moto only names the resources)."""
    with mock_aws():
        stack = provision(boto3.session.Session(region_name=REGION))
    return stack.template.functions(), stack.environments  # type: ignore[return-value]


def _settlement() -> settlement.Settlement:
    say("settlement: charges through the local Stripe, and the cold import of stripe")
    return settlement.measure(CallCounter())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", default="all", choices=["all", "background"])
    parser.add_argument("--fanout", default="250,1000", help="orders of each fan-out run (default 250,1000)")
    parser.add_argument("--runs", type=int, default=cold_start.RUNS, help="cold-start runs per function (median)")
    parser.add_argument("--warm", type=int, default=warm.INVOCATIONS, help="warm checkouts on each side")
    parser.add_argument("--expiry-orders", type=int, default=100_000)
    parser.add_argument("--expiry-due", type=int, default=1_000)
    parser.add_argument("--json", type=Path, help="background: where to write the results")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args(argv)
    _quiet_warnings()
    orders = _sizes(args.fanout)
    if args.command == "background":
        run_background(orders, args.expiry_orders, args.expiry_due, args.json)
        return 0

    results = report.Results()
    specs, environments = _environments()
    say(f"cold start: {len(specs)} functions, {args.runs} runs each, alternating with `import boto3`")
    results.cold = cold_start.measure(specs, environments, args.runs)  # type: ignore[arg-type]
    results.snapstart = snapstart.measure(results.cold)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        background_file = Path(scratch) / "background.json"
        say(f"fan-out of {', '.join(f'{n:,}' for n in orders)} orders, then expiry, in a second process")
        background = _start_background(args, background_file)
        try:
            say("size: sam build")
            results.sizes = size.measure(specs)  # type: ignore[arg-type]
            say("round trips")
            results.trips = round_trips.measure(CallCounter())
            say(f"warm overhead: {args.warm:,} checkouts and the raw boto3 baseline")
            results.warm = warm.measure(CallCounter(), args.warm)
            settled = _settlement()
            say("waiting for the second process")
            if background.wait() != 0:
                raise RuntimeError("the fan-out or the expiry measure failed")
        finally:
            if background.poll() is None:
                background.kill()
        measured = json.loads(background_file.read_text(encoding="utf-8"))
        results.fanouts = [
            fanout.FanOut(**(entry | {"calls": Counter(entry["calls"])})) for entry in measured["fanouts"]
        ]
        results.expiry = expiry.Expiry(**measured["expiry"]) if measured["expiry"] else None
    results.seconds = time.perf_counter() - _started
    table = report.markdown(results) + "\n\n" + settlement.markdown(settled)
    print(table)
    if not args.no_write:
        report.write(DOC, table)
        say(f"written to {DOC.relative_to(ROOT)}")
    failed = [row.measure for row in report.rows(results) if row.holds is False]
    if failed:
        say(f"goals not held ({len(failed)}), explained in {DOC.relative_to(ROOT)}: " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
