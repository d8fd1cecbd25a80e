"""Cold start: each function's handler module imported in a fresh interpreter, against `import boto3` alone.

Every run is a new `python -I` process with the function's environment from template.yaml (as the handler tests
resolve it), Lambda's own variables, fake credentials and an unreachable endpoint (an import must not call AWS).
sys.path is what Lambda gives: the function's folder, then the layer's python/ (Lambda's /opt/python), then the
packages the runtime ships. Each run times the import alone, inside the process: interpreter start-up is the
same for every function and the baseline. Bytecode is compiled once before measuring, for both sides alike,
as the layer now ships it (layers/common/Makefile). Runs are shuffled, with a baseline run before every other
one, so that a noisy moment weighs on both sides.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from local.template import ROOT, FunctionSpec

LAYER = ROOT / "layers" / "common" / "python"
RUNS = 10
GOAL = 1.5
BASELINE = "import boto3"
# What the stack costs before any of the shop's code: the floor under every function.
STACK_FLOORS = {
    "boto3 + pydantic + Logger + Metrics (any function's floor)": (
        "import boto3\nfrom pydantic import BaseModel\nfrom aws_lambda_powertools import Logger, Metrics\n"
        "Logger()\nMetrics()"
    ),
    "... + the stripe library and a client (what the Stripe functions add)": (
        "import boto3\nfrom pydantic import BaseModel\nfrom aws_lambda_powertools import Logger, Metrics\n"
        "import stripe\nstripe.StripeClient('sk_test_bench')\nLogger()\nMetrics()"
    ),
    "... + Powertools' REST resolver (an HTTP function's floor)": (
        "import boto3\nfrom pydantic import BaseModel\nfrom aws_lambda_powertools import Logger, Metrics\n"
        "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\nLogger()\nMetrics()"
    ),
}
# The layer's pure-Python distributions, for the measure of a layer shipped without bytecode.
LAYER_DISTRIBUTIONS = ("aws-lambda-powertools", "pydantic", "pydantic-core", "annotated-types", "typing-inspection")

_PROGRAM = """
import sys, time
sys.path[0:0] = {path!r}
started = time.perf_counter()
{statement}
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class ColdStart:
    baseline_ms: float
    functions: dict[str, float]  # median ms per function
    floors: dict[str, float]
    runs: int
    without_bytecode: tuple[str, float, float] | None  # function, ms without .pyc, ms with

    def ratio(self, milliseconds: float) -> float:
        return milliseconds / self.baseline_ms

    @property
    def holds(self) -> bool:
        return all(self.ratio(ms) <= GOAL for ms in self.functions.values())


def lambda_environment(spec: FunctionSpec, template_environment: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        **template_environment,
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.logical_id}",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "LAMBDA_TASK_ROOT": str(spec.folder),
        "_HANDLER": spec.handler,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_MAX_ATTEMPTS": "1",
    }


def _time(statement: str, path: list[str], environment: dict[str, str], *flags: str) -> float:
    program = _PROGRAM.format(path=path, statement=statement)
    done = subprocess.run(  # noqa: S603 - this interpreter, our own program
        [sys.executable, "-I", *flags, "-c", program],
        env=environment,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{statement!r} failed:\n{done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1]) * 1000


def measure(specs: dict[str, FunctionSpec], environments: dict[str, dict[str, str]], runs: int = RUNS) -> ColdStart:
    imports = {
        name: (f"import {spec.handler.rsplit('.', 1)[0]} as handler_module", [str(spec.folder), str(LAYER)])
        for name, spec in specs.items()
    }
    env = {name: lambda_environment(spec, environments[name]) for name, spec in specs.items()}
    any_env = next(iter(env.values()))
    # Bytecode first, for the function, the layer and the baseline alike.
    _time(BASELINE, [str(LAYER)], any_env)
    for name, (statement, path) in imports.items():
        _time(statement, path, env[name])
    for statement in STACK_FLOORS.values():
        _time(statement, [str(LAYER)], any_env)

    baseline: list[float] = []
    samples: dict[str, list[float]] = {name: [] for name in imports}
    floors: dict[str, list[float]] = {name: [] for name in STACK_FLOORS}
    shuffler = random.Random(2026)  # noqa: S311 - an order of runs, not a secret
    for _ in range(runs):
        order = list(imports) + list(STACK_FLOORS)
        shuffler.shuffle(order)
        for position, name in enumerate(order):
            if position % 2 == 0:  # a baseline run before every other measured run
                baseline.append(_time(BASELINE, [str(LAYER)], any_env))
            if name in imports:
                statement, path = imports[name]
                samples[name].append(_time(statement, path, env[name]))
            else:
                floors[name].append(_time(STACK_FLOORS[name], [str(LAYER)], any_env))
    checkout = "CheckoutFunction" if "CheckoutFunction" in specs else next(iter(specs))
    return ColdStart(
        baseline_ms=statistics.median(baseline),
        functions={name: statistics.median(values) for name, values in samples.items()},
        floors={name: statistics.median(values) for name, values in floors.items()},
        runs=runs,
        without_bytecode=_without_bytecode(
            checkout, imports[checkout][0], specs[checkout], env[checkout], max(5, runs // 2)
        ),
    )


def _without_bytecode(
    name: str, statement: str, spec: FunctionSpec, environment: dict[str, str], runs: int
) -> tuple[str, float, float] | None:
    """The function's import from a copy of the layer's Python without .pyc, read-only as Lambda mounts layers
    (python -B: nothing written), against the same copy compiled as layers/common/Makefile now compiles it."""
    with tempfile.TemporaryDirectory(prefix="bench-layer-") as scratch:
        sources = Path(scratch) / "sources"
        compiled = Path(scratch) / "compiled"
        try:
            _copy_layer(sources)
        except (metadata.PackageNotFoundError, OSError):
            return None
        shutil.copytree(sources, compiled)
        subprocess.run(  # noqa: S603 - this interpreter, the standard library's compileall
            [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(compiled)],
            check=True,
            capture_output=True,
        )
        without: list[float] = []
        with_pyc: list[float] = []
        for _ in range(runs):
            without.append(_time(statement, [str(spec.folder), str(sources)], environment, "-B"))
            with_pyc.append(_time(statement, [str(spec.folder), str(compiled)], environment, "-B"))
    return name, statistics.median(without), statistics.median(with_pyc)


def _copy_layer(target: Path) -> None:
    target.mkdir(parents=True)
    for package in ("shop", "shop_aws", "use_cases"):
        shutil.copytree(LAYER / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    for distribution in LAYER_DISTRIBUTIONS:
        for file in metadata.distribution(distribution).files or []:
            if "__pycache__" in file.parts or file.parts[0].endswith(".dist-info") or ".." in file.parts:
                continue
            source = Path(str(file.locate()))
            destination = target / file
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
