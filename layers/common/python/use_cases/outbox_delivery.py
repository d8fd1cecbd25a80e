"""Delivering outbox entries exactly once, from the table's stream (the dispatcher) or from the pending index
(the sweeper), and parking those that keep failing.

Both functions call `deliver_and_mark` with their delivery made idempotent (Powertools) on the entry's id
under one key prefix, DELIVERY_KEY_PREFIX, so the stream and the sweeper never send an entry twice,
whichever comes first or if both run at once; then the entry is marked delivered, which takes it out of the
pending index.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

from shop_aws.dynamodb import outbox as outbox_store
from shop_aws.runtime import clock, logger, metrics

# The stream retries a failing record for a few minutes (10 attempts); the sweeper takes over after that.
SWEEP_AFTER = timedelta(minutes=5)
# Sweeps every 5 minutes: an entry still failing after 12 sweeps (an hour) is parked and alarmed.
PARK_AFTER_SWEEPS = 12
# A sweep stops while this much time is left, and the next one carries on.
_TIME_LEFT_MS = 10_000

# The same idempotency key for an entry in both functions (Powertools would prefix it with the function's name).
DELIVERY_KEY_PREFIX = "outbox-delivery"
DELIVERY_IDEMPOTENCY = IdempotencyConfig(event_key_jmespath="outboxId", expires_after_seconds=7 * 24 * 60 * 60)

DeliverOnce = Callable[..., dict[str, str]]


def deliver_and_mark(deliver_once: DeliverOnce, entry: dict[str, Any]) -> dict[str, str]:
    """Deliver the entry once, whoever asks, then take it out of the pending index. Raises on failure."""
    delivered = deliver_once(entry=entry)
    outbox_store.mark_delivered(entry["outboxId"], clock().now())
    return delivered


def sweep(deliver_once: DeliverOnce, context: Any) -> dict[str, Any]:
    """Re-deliver entries still pending SWEEP_AFTER after they were written; park those that keep failing."""
    now = clock().now()
    run = {"delivered": 0, "failed": 0, "parked": 0, "busy": 0, "finished": True}
    for entry in outbox_store.entries_in(outbox_store.PENDING, created_before=now - SWEEP_AFTER):
        if context is not None and context.get_remaining_time_in_millis() < _TIME_LEFT_MS:
            run["finished"] = False
            break
        try:
            deliver_and_mark(deliver_once, entry)
        except IdempotencyAlreadyInProgressError:
            run["busy"] += 1  # the stream is delivering it right now
            continue
        except Exception as error:  # any failure of one entry is recorded, and the sweep goes on
            park = int(entry.get("sweepAttempts", 0)) + 1 >= PARK_AFTER_SWEEPS
            outbox_store.record_failed_sweep(entry, repr(error), park, now)
            logger.warning(
                "outbox entry failed again",
                extra={"outbox_id": entry["outboxId"], "kind": entry["kind"], "parked": park, "error": repr(error)},
            )
            run["parked" if park else "failed"] += 1
            continue
        run["delivered"] += 1
        logger.info("outbox entry delivered by the sweeper", extra={"outbox_id": entry["outboxId"]})
    metrics.add_metric(name="OutboxEntriesRedelivered", unit="Count", value=run["delivered"])
    metrics.add_metric(name="OutboxEntriesParked", unit="Count", value=run["parked"])
    return run
