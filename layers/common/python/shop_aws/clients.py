"""AWS clients, created once per container from one shared session (cold start matters on Lambda)."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from shop_aws.settings import settings


# Standard retry mode backs off on throttling and transient errors (DynamoDB, SES, EventBridge).
def _config() -> Config:
    read_timeout = settings().aws_read_timeout_seconds
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
