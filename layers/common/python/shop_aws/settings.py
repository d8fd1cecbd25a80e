"""Typed settings from the environment that template.yaml gives every function."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(alias="TABLE_NAME")
    idempotency_table_name: str = Field(alias="IDEMPOTENCY_TABLE_NAME")
    event_bus_name: str = Field(alias="EVENT_BUS_NAME")
    shipping_date_queue_url: str = Field(alias="SHIPPING_DATE_QUEUE_URL")
    user_pool_id: str = Field(alias="USER_POOL_ID")
    user_pool_client_id: str = Field(alias="USER_POOL_CLIENT_ID")
    # The shop front end: links in emails open its pages (verify-email, reset-password).
    front_end_url: str = Field(alias="FRONT_END_URL")
    sender_address: str = Field(alias="SENDER_ADDRESS")
    # Every email goes through it, so that SES reports its bounces and complaints (rule E1).
    ses_configuration_set: str = Field(alias="SES_CONFIGURATION_SET")
    allowed_origin: str = Field(default="*", alias="ALLOWED_ORIGIN")
    # AWS answers in milliseconds; the local stack's embedded AWS, one request at a time, needs longer.
    aws_read_timeout_seconds: float = Field(default=5, alias="SHOP_AWS_READ_TIMEOUT_SECONDS")
    # Payments (issue 10): only the functions that talk to the processor get these. The secrets' NAMES in
    # Secrets Manager (never the secrets), the publishable key (public by design), the source the shop's
    # PaymentSucceeded/PaymentFailed events carry, and, locally only, where the local Stripe answers.
    stripe_secret_key_name: str | None = Field(default=None, alias="STRIPE_SECRET_KEY_NAME")
    stripe_webhook_secret_name: str | None = Field(default=None, alias="STRIPE_WEBHOOK_SECRET_NAME")
    stripe_publishable_key: str | None = Field(default=None, alias="STRIPE_PUBLISHABLE_KEY")
    stripe_api_base: str | None = Field(default=None, alias="SHOP_STRIPE_API_BASE")
    stripe_timeout_seconds: float = Field(default=20, alias="SHOP_STRIPE_TIMEOUT_SECONDS")
    # The library's own retries (with backoff) before the message goes back to the queue (P3).
    stripe_network_retries: int = Field(default=1, alias="SHOP_STRIPE_NETWORK_RETRIES")
    payment_event_source: str = Field(default="payment.processor", alias="PAYMENT_EVENT_SOURCE")


@cache
def settings() -> Settings:
    return Settings.model_validate(os.environ)
