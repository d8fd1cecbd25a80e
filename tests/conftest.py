"""Test set-up: fake AWS credentials, moto active before any handler is imported, a clock tests can move."""

from __future__ import annotations

import os

import local  # noqa: F401 - puts the layer on the path and the template's settings in the environment

# Before anything imports boto3 or a handler: no real AWS, ever.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        # moto serves DynamoDB streams only on the classic endpoint, not the account-specific host botocore picks.
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
    }
)
