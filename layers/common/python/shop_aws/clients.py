"""AWS clients, created once per container from one shared session (cold start matters on Lambda)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode backs off on throttling and transient errors (DynamoDB, SES, EventBridge).
_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=2, read_timeout=5)


@cache
def session() -> boto3.session.Session:
    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    return session().client(service, config=_CONFIG)


def reset() -> None:
    """Forget every client: tests and the local stack call this after pointing AWS elsewhere."""
    client.cache_clear()
    session.cache_clear()
