"""Queueing work to fan out: SendMessageBatch, ten messages a call, nothing silently dropped."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from shop_aws.clients import client

SQS_BATCH = 10


class MessagesNotQueued(Exception):
    """SQS refused some entries of a batch; the caller's own retry sends them again."""


def send_all(queue_url: str, messages: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(messages), SQS_BATCH):
        chunk = messages[start : start + SQS_BATCH]
        response = client("sqs").send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(index), "MessageBody": json.dumps(body)} for index, body in enumerate(chunk)],
        )
        if response.get("Failed"):
            raise MessagesNotQueued(f"{len(response['Failed'])} messages not queued: {response['Failed']}")
