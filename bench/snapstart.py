"""SnapStart: what it would save and cost, from this run's cold-start figures and Lambda's published prices.

Nothing here can measure a restore (that needs Lambda itself); what SnapStart would take off a cold start is the
function's initialisation, which the cold-start measure times, and what it adds is priced below. The decision and
its reasons are in docs/performance.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.cold_start import ColdStart

# us-east-1 list prices (https://aws.amazon.com/lambda/pricing/), arm64, as published when this was written.
DURATION_PER_GB_SECOND = 0.0000133334  # also what an on-demand INIT phase is billed at since 1 August 2025
SNAPSTART_CACHE_PER_GB_SECOND = 0.0000015046  # per published version with SnapStart, while it is cached
SNAPSTART_RESTORE_PER_GB = 0.0001397998  # each time an execution environment is restored from the snapshot
MEMORY_GB = 1.0  # template.yaml: MemorySize 1024
SECONDS_PER_MONTH = 30 * 24 * 3600
# template.yaml's API stage throttle: the most requests per second the API lets through to the functions.
API_RATE_LIMIT = 200
API_BURST_LIMIT = 500


@dataclass(frozen=True)
class SnapStart:
    function: str
    init_ms: float  # what a restore would replace (measured here, not on Lambda)
    init_cost: float  # $ per cold start, billed INIT at 1 GB
    restore_cost: float  # $ per restore at 1 GB
    cache_cost_per_month: float  # $ per function version kept cached
    enabled: bool = False

    @property
    def restore_over_init(self) -> float:
        return self.restore_cost / self.init_cost

    @property
    def burst_cold_starts(self) -> int:
        """At most one cold start per concurrent environment: a burst past the throttle cannot need more."""
        return API_BURST_LIMIT


def measure(cold: ColdStart, function: str = "CheckoutFunction") -> SnapStart:
    init_ms = cold.functions.get(function) or max(cold.functions.values())
    return SnapStart(
        function=function,
        init_ms=init_ms,
        init_cost=init_ms / 1000 * MEMORY_GB * DURATION_PER_GB_SECOND,
        restore_cost=MEMORY_GB * SNAPSTART_RESTORE_PER_GB,
        cache_cost_per_month=MEMORY_GB * SECONDS_PER_MONTH * SNAPSTART_CACHE_PER_GB_SECOND,
    )
