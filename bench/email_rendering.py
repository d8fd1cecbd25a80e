"""Where email rendering costs its cold start: `python -m bench.email_rendering [--runs N]`.

Times, in fresh interpreters as bench/cold_start.py does, the import of the handler module of every function
that writes or sends emails, and of the email modules alone (what a function pays for them). Issue 14 moved
rendering (Jinja2, css-inline) from every function that decides an email to the outbox dispatcher, which
sends it: the figures before and after are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from bench import cold_start
from bench.__main__ import _environments

FUNCTIONS = (
    "CheckoutFunction",
    "SignupFunction",
    "OrdersFunction",
    "ShippingDateWorkerFunction",
    "OutboxDispatcherFunction",
)
# What each costs on top of what is imported before it anyway (the order model, pydantic, the clock): the
# cumulative time `python -X importtime` gives the module, median of the runs.
BASE = "import shop.orders, shop.clock"
MODULES = ("shop.emails", "shop.email_rendering", "jinja2", "css_inline")


def import_cost_ms(module: str, environment: dict[str, str], runs: int) -> float | None:
    program = f"import sys\nsys.path[0:0] = [{str(cold_start.LAYER)!r}]\n{BASE}\nimport {module}"
    costs = []
    for _ in range(runs):
        done = subprocess.run(  # noqa: S603 - this interpreter, our own program
            [sys.executable, "-I", "-X", "importtime", "-c", program],
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            return None
        line = next(row for row in done.stderr.splitlines() if row.endswith(f"| {module}"))
        costs.append(int(line.split("|")[1]) / 1000)
    return statistics.median(costs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=cold_start.RUNS)
    args = parser.parse_args()
    specs, environments = _environments()
    chosen = {name: spec for name, spec in specs.items() if name in FUNCTIONS}
    measured = cold_start.measure(chosen, environments, args.runs)  # type: ignore[arg-type]
    print(f"import boto3 (baseline): {measured.baseline_ms:.0f} ms")
    for name, ms in sorted(measured.functions.items()):
        print(f"{name}: {ms:.0f} ms")
    environment = cold_start.lambda_environment(next(iter(chosen.values())), environments[next(iter(chosen))])  # type: ignore[arg-type]
    for module in MODULES:
        cost = import_cost_ms(module, environment, args.runs)
        print(f"import {module} after {BASE}: " + (f"+{cost:.1f} ms" if cost is not None else "not in this layer"))


if __name__ == "__main__":
    main()
