"""python -m ops: an operator's commands for a deployed stack (or the local one): parked outbox entries and
the dead-letter queues, listed and redriven. See docs/operations.md."""

import local  # noqa: F401 - puts the shop's layer (shop, shop_aws) on the import path, as for the local stack
