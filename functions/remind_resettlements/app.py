"""Every 15 minutes: remind members, once, whose re-settlement deadline is less than a day away (rule L5a).

A bounded batch per run (use_cases.deadlines); a re-settlement clears the mark, so a later failure is
reminded again.
"""

from __future__ import annotations

from typing import Any

from use_cases.deadlines import remind_due_orders

from shop_aws.runtime import logger, metrics


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return remind_due_orders(context)
