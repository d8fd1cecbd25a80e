"""Reading the metrics the functions emit: Powertools prints them as CloudWatch embedded-metric JSON lines."""

from __future__ import annotations

import json


def emitted(output: str, metric: str) -> float:
    """The sum of a metric in the embedded-metric lines printed to output."""
    total = 0.0
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            values = json.loads(line).get(metric, [])
            total += sum(values) if isinstance(values, list) else float(values)
    return total
