"""Every 15 minutes: cancel orders whose re-settlement deadline passed unpaid (rule L6).

A bounded batch per run (use_cases.deadlines); what is left waits in the deadline index for the next run.
"""

from __future__ import annotations

from typing import Any

from use_cases.deadlines import expire_due_orders

from shop_aws.runtime import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return expire_due_orders(context)
