"""Where email rendering costs its cold start: `python -m bench.email_rendering [--runs N]`.

Times, in fresh interpreters as bench/cold_start.py does, the import of the handler module of every function
that writes or sends emails, and of the email modules alone (what a function pays for them). Issue 14 moved
rendering (Jinja2, css-inline) from every function that decides an email to the outbox dispatcher, which
sends it: the figures before and after are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics

from bench import cold_start
from bench.__main__ import _environments

FUNCTIONS = (
    "CheckoutFunction",
    "SignupFunction",
    "OrdersFunction",
    "ShippingDateWorkerFunction",
    "OutboxDispatcherFunction",
)
MODULES = {
    "shop.emails (what a deciding function imports)": "import shop.emails",
    "shop.email_rendering (the dispatcher's renderer)": "import shop.email_rendering",
    "jinja2": "import jinja2",
    "css_inline": "import css_inline",
}


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
    for label, statement in MODULES.items():
        try:
            runs = [cold_start._time(statement, [str(cold_start.LAYER)], environment) for _ in range(args.runs)]
        except RuntimeError:
            print(f"{label}: not importable here")
            continue
        print(f"{label}: {statistics.median(runs):.1f} ms")


if __name__ == "__main__":
    main()
