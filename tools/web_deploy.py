"""Upload the storefront and the staff console to the stack's bucket, with the config.json they read.

    .venv/bin/python tools/web_deploy.py --stack-name preorder-shop [--region us-east-1]

Reads the stack outputs (WebBucketName, WebDistributionId, WebUrl, ApiUrl, UserPoolId, UserPoolClientId),
writes config.json from them, uploads web/storefront at the bucket's root and web/console under console/, then
invalidates the distribution (its CloudFront Function serves the storefront's page at the paths emails link
to). The API is reached through the same distribution, under /<stage>/.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3

WEB = Path(__file__).resolve().parent.parent / "web"
STRIPE_JS = "https://js.stripe.com/v3/"
# Pages and config change with each upload: browsers ask again; the other files are revalidated within minutes.
NO_CACHE = "no-cache"
SHORT_CACHE = "public, max-age=300"


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


def config_from_outputs(outputs: dict[str, str], region: str) -> dict[str, Any]:
    """The front ends' config.json: the API through the distribution, the sign-in and payment settings."""
    stage = urlparse(outputs["ApiUrl"]).path.strip("/")
    return {
        "apiUrl": f"{outputs['WebUrl'].rstrip('/')}/{stage}",
        "region": region,
        "userPoolId": outputs["UserPoolId"],
        "userPoolClientId": outputs["UserPoolClientId"],
        "stripeJsUrl": STRIPE_JS,
    }


def uploads(config: dict[str, Any], web: Path = WEB) -> list[Upload]:
    """Every object the bucket holds after an upload."""
    planned = []
    for folder, prefix in ((web / "storefront", ""), (web / "console", "console/")):
        for path in sorted(folder.iterdir()):
            if path.is_file():
                planned.append(_upload(f"{prefix}{path.name}", path.read_bytes(), path.name))
    planned.append(_upload("config.json", json.dumps(config, indent=2).encode(), "config.json"))
    return planned


def _upload(key: str, body: bytes, name: str) -> Upload:
    content_type = "text/javascript" if name.endswith(".js") else mimetypes.guess_type(name)[0] or "text/plain"
    if content_type.startswith("text/") or content_type == "application/json":
        content_type += "; charset=utf-8"
    cache = NO_CACHE if name.endswith((".html", ".json")) else SHORT_CACHE
    return Upload(key, body, content_type, cache)


def stack_outputs(session: boto3.session.Session, stack_name: str) -> dict[str, str]:
    stack = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def deploy(session: boto3.session.Session, stack_name: str) -> dict[str, Any]:
    outputs = stack_outputs(session, stack_name)
    config = config_from_outputs(outputs, session.region_name or "us-east-1")
    s3 = session.client("s3")
    planned = uploads(config)
    for upload in planned:
        s3.put_object(
            Bucket=outputs["WebBucketName"],
            Key=upload.key,
            Body=upload.body,
            ContentType=upload.content_type,
            CacheControl=upload.cache_control,
        )
    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())},
    )
    return {"url": outputs["WebUrl"], "uploaded": [upload.key for upload in planned], "config": config}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stack-name", required=True)
    parser.add_argument("--region")
    arguments = parser.parse_args()
    print(json.dumps(deploy(boto3.session.Session(region_name=arguments.region), arguments.stack_name), indent=2))


if __name__ == "__main__":
    main()
