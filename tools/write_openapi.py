"""Write docs/openapi.json, the shop's OpenAPI document as the functions serve it: `python -m tools.write_openapi`.

The functions are imported with AWS mocked (moto), as in the handler tests; tests/handlers/test_openapi.py
fails when the file differs from what they serve.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from local import openapi
from local.client import DEFAULT_API_PORT
from local.lambdas import Functions
from local.provision import REGION, provision
from shop_aws import clients
from shop_aws.settings import settings

OUT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
# The document in the repository names the local shop (make run) as its server; a deployed API's URL is an
# output of the stack (ApiUrl).
SERVER = f"http://127.0.0.1:{DEFAULT_API_PORT}"


def as_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        stack = provision(boto3.session.Session(region_name=REGION))
        for environment in stack.environments.values():
            os.environ.update({k: v for k, v in environment.items() if k != "POWERTOOLS_SERVICE_NAME"})
        settings.cache_clear()
        clients.reset()
        OUT.write_text(as_text(openapi.document(Functions(stack), SERVER)), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
