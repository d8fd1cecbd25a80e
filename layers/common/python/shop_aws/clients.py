"""AWS clients, created once per container from one shared session (cold start matters on Lambda)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from botocore.config import Config


# Standard retry mode backs off on throttling and transient errors (DynamoDB, SES, EventBridge). AWS answers
# in milliseconds, so 5 s is a generous read timeout; the local stack's embedded AWS, which answers one
# request at a time, raises it through SHOP_AWS_READ_TIMEOUT_SECONDS.
def _config() -> Config:
    read_timeout = float(os.environ.get("SHOP_AWS_READ_TIMEOUT_SECONDS", "5"))
    return Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=2, read_timeout=read_timeout)


@cache
def session() -> boto3.session.Session:
    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    return session().client(service, config=_config())


def reset() -> None:
    """Forget every client: tests and the local stack call this after pointing AWS elsewhere."""
    client.cache_clear()
    session.cache_clear()
