"""The table `make bench` prints and writes into docs/performance.md, between two markers."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import cold_start, round_trips, warm
from bench.cold_start import ColdStart
from bench.expiry import Expiry
from bench.fanout import FanOut
from bench.round_trips import RoundTrips
from bench.size import Sizes
from bench.snapstart import SnapStart
from bench.warm import Warm

BEGIN = "<!-- bench:begin (written by `make bench`; edit around it, not inside) -->"
END = "<!-- bench:end -->"
FULL_SCALE = 10_000
CONSTANT_WITHIN = 0.02  # calls per order at the larger size within 2% of the smaller
SQS_BATCH = 10  # template.yaml: the shipping-date queue's BatchSize


@dataclass
class Results:
    cold: ColdStart | None = None
    trips: RoundTrips | None = None
    warm: Warm | None = None
    fanouts: list[FanOut] = field(default_factory=list)
    expiry: Expiry | None = None
    snapstart: SnapStart | None = None
    sizes: Sizes | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str
    against: str = ""
    ratio: str = ""
    goal: str = ""
    holds: bool | None = None


def _yes(holds: bool | None) -> str:
    return "—" if holds is None else ("**yes**" if holds else "**no**")


def _ms(value: float) -> str:
    return f"{value:,.0f} ms"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} kB"


def rows(results: Results) -> list[Row]:
    out: list[Row] = []
    if (cold := results.cold) is not None:
        base = f"import boto3 {_ms(cold.baseline_ms)}"
        for name, ms in sorted(cold.functions.items(), key=lambda item: -item[1]):
            ratio = cold.ratio(ms)
            out.append(
                Row(
                    f"1 cold import, {name}",
                    _ms(ms),
                    base,
                    f"{ratio:.2f}x",
                    f"≤ {cold_start.GOAL}x",
                    ratio <= cold_start.GOAL,
                )
            )
        for name, ms in cold.floors.items():
            out.append(Row(f"1 stack floor: {name}", _ms(ms), base, f"{cold.ratio(ms):.2f}x"))
        if cold.without_bytecode:
            name, without, with_pyc = cold.without_bytecode
            out.append(
                Row(
                    f"1 {name} from a read-only layer without .pyc (as shipped before)",
                    _ms(without),
                    f"same layer with .pyc {_ms(with_pyc)}",
                    f"{without / with_pyc:.2f}x",
                )
            )
    if (trips := results.trips) is not None:
        carts = round_trips.CART_SIZES
        same = len({trips.checkout(size).total for size in carts}) == 1
        for request in trips.requests:
            is_checkout = request.name.startswith("checkout")
            goal = f"≤ {round_trips.CHECKOUT_SYNC_CALLS_GOAL}, same for {'/'.join(map(str, carts))} products"
            out.append(
                Row(
                    f"2 AWS calls, {request.name}",
                    f"{request.tally.total} ({request.tally.described()})",
                    goal=goal if is_checkout else "",
                    holds=(same and request.tally.total <= round_trips.CHECKOUT_SYNC_CALLS_GOAL)
                    if is_checkout
                    else None,
                )
            )
    if (w := results.warm) is not None:
        out.append(
            Row(
                f"3 warm checkout, {w.invocations:,} in-process invocations on moto",
                f"{w.function_ms:.1f} ms each (median)",
                f"raw boto3, the same {w.calls_per_checkout} calls: {w.baseline_ms:.1f} ms (median)",
                f"{w.ratio:.2f}x",
                f"≤ {warm.GOAL}x",
                w.holds,
            )
        )
    if results.fanouts:
        out.extend(_fanout_rows(results.fanouts))
    if (e := results.expiry) is not None:
        out.append(
            Row(
                f"5 expiry, {e.orders:,} orders of which {e.due:,} past their deadline",
                f"{e.items_read:,} items read ({e.index_entries_read:,} index entries, {e.orders_read:,} orders); "
                f"{e.cancelled:,} cancelled; {e.calls:,} calls; {e.seconds:.0f} s",
                f"{e.orders:,} orders in the table",
                f"{e.reads_per_due_order:.2f} per due order",
                "≤ 2 reads per due order (index entry + order)",
                e.reads_per_due_order <= 2 and e.cancelled == e.due,
            )
        )
    if (s := results.snapstart) is not None:
        out.append(
            Row(
                f"6 SnapStart for {s.function}: init a restore would replace (measured here)",
                _ms(s.init_ms),
                f"billed INIT ${s.init_cost:.7f} vs restore ${s.restore_cost:.7f} per cold start, "
                f"+ ${s.cache_cost_per_month:.2f}/month cached",
                f"restore {s.restore_over_init:.0f}x the INIT it replaces",
                "decide with figures",
                True,
            )
        )
    if (sizes := results.sizes) is not None:
        out.extend(_size_rows(sizes))
    return out


def _fanout_rows(fanouts: list[FanOut]) -> list[Row]:
    out: list[Row] = []
    small, large = fanouts[0], fanouts[-1]
    for f in fanouts:
        out.append(
            Row(
                f"4 fan-out, {f.orders:,} open orders",
                f"{f.seconds:.0f} s in-process ({f.seconds_per_order * 1000:.0f} ms/order); "
                f"{f.invocations:,} invocations; "
                f"{f.calls_per_order:.3f} calls/order ({f.worker_calls / f.orders:.2f} worker, "
                f"{f.dispatcher_calls / f.orders:.2f} outbox); at most {f.max_orders_per_invocation} orders and "
                f"{f.max_calls_per_invocation} calls in one invocation",
                goal="every order updated and emailed exactly once",
                holds=f.complete,
                against=f"{f.updated:,} updated, {f.emailed_once:,} emailed once, {f.emailed_more} more than once",
            )
        )
    if len(fanouts) > 1:
        drift = abs(large.calls_per_order - small.calls_per_order) / small.calls_per_order
        out.append(
            Row(
                f"4 fan-out, calls per order {small.orders:,} → {large.orders:,} orders",
                f"{small.calls_per_order:.3f} → {large.calls_per_order:.3f}",
                ratio=f"{drift:.1%} apart",
                goal=f"constant (within {CONSTANT_WITHIN:.0%})",
                holds=drift <= CONSTANT_WITHIN,
            )
        )
        bound = large.page_size + SQS_BATCH
        out.append(
            Row(
                f"4 fan-out, the most one invocation handled, {small.orders:,} → {large.orders:,} orders",
                f"{small.max_orders_per_invocation} → {large.max_orders_per_invocation} orders, "
                f"{small.max_calls_per_invocation} → {large.max_calls_per_invocation} calls",
                f"a page of {large.page_size} orders and the rest of its batch of {SQS_BATCH} messages",
                goal=f"bounded (≤ {bound} orders) whatever the product's orders",
                holds=max(small.max_orders_per_invocation, large.max_orders_per_invocation) <= bound
                and large.max_calls_per_invocation <= small.max_calls_per_invocation * 1.1,
            )
        )
    if large.orders < FULL_SCALE:
        out.append(
            Row(
                f"4 fan-out, {FULL_SCALE:,} orders (extrapolated from {large.orders:,} with its per-order figures)",
                f"≈ {large.calls_per_order * FULL_SCALE:,.0f} calls; "
                f"≈ {large.seconds_per_order * FULL_SCALE / 60:.0f} min "
                f"in-process one at a time; {-(-FULL_SCALE // large.page_size)} pages in sequence; at most "
                f"{large.max_orders_per_invocation} orders in one invocation",
            )
        )
    return out


def _size_rows(sizes: Sizes) -> list[Row]:
    out: list[Row] = []
    bundled_sdk = False
    if sizes.layer is not None:
        layer = sizes.layer
        bundled_sdk = any(name in layer.top_level for name in ("boto3", "botocore", "s3transfer"))
        out.append(
            Row(
                f"7 layer CommonLayer ({sizes.built_by})",
                f"{_mb(layer.unzipped)} unzipped, {_mb(layer.zipped)} zipped, {layer.files:,} files",
                "Lambda's limit: 250 MB unzipped, function and layers together",
                goal="no AWS SDK (the runtime ships it), nothing unused",
                holds=not bundled_sdk,
            )
        )
    largest = max(sizes.functions, key=lambda p: p.unzipped, default=None)
    if largest is not None:
        only_handler = all(set(p.top_level) <= {"app.py"} for p in sizes.functions)
        out.append(
            Row(
                f"7 function packages ({len(sizes.functions)}, {sizes.built_by})",
                f"largest {largest.name}: {_mb(largest.unzipped)} unzipped, {_mb(largest.zipped)} zipped; "
                f"all {_mb(sum(p.zipped for p in sizes.functions))} zipped",
                goal="the handler module only",
                holds=only_handler,
            )
        )
    if sizes.note:
        out.append(Row("7 how sizes were measured", sizes.note))
    return out


def markdown(results: Results) -> str:
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {_cpus()} CPUs, "
        f"Python {platform.python_version()}; `make bench` took {results.seconds / 60:.1f} min.",
        "",
        "| Measure | Figure | Against | Ratio | Goal | Holds |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows(results):
        cells = [row.measure, row.figure, row.against, row.ratio, row.goal, _yes(row.holds)]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def write(path: Path, table: str) -> None:
    """Replace what is between the markers (or append a section with them), keeping the prose around it."""
    block = f"{BEGIN}\n{table}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    found = pattern.search(text)
    text = pattern.sub(lambda _: block, text) if found else text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
