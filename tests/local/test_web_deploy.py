"""tools/web_deploy.py: the front ends' files and config.json, uploaded as the deployed shop serves them."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from tools.web_deploy import WEB, config_from_outputs, deploy, uploads

OUTPUTS = {
    "ApiUrl": "https://k7w2q9xj4d.execute-api.us-east-1.amazonaws.com/v1",
    "WebUrl": "https://d111111abcdef8.cloudfront.net",
    "UserPoolId": "us-east-1_Q4x8ZrT2m",
    "UserPoolClientId": "5m1q8h0r3t2v9c6k4n7p2s8d1f",
}


def test_the_config_sends_the_pages_to_the_api_through_the_same_distribution() -> None:
    config = config_from_outputs(OUTPUTS, "us-east-1")

    assert config["apiUrl"] == "https://d111111abcdef8.cloudfront.net/v1"
    assert (config["userPoolId"], config["userPoolClientId"]) == (OUTPUTS["UserPoolId"], OUTPUTS["UserPoolClientId"])
    assert config["stripeJsUrl"] == "https://js.stripe.com/v3/"


def test_the_upload_puts_the_storefront_at_the_root_and_the_console_under_console() -> None:
    keys = {upload.key for upload in uploads({"apiUrl": "x"})}

    assert {path.name for path in (WEB / "storefront").iterdir()} <= keys
    assert {f"console/{path.name}" for path in (WEB / "console").iterdir()} <= keys
    assert "config.json" in keys


def test_each_file_is_uploaded_with_the_type_a_browser_needs() -> None:
    by_key = {upload.key: upload for upload in uploads({"apiUrl": "x"})}

    assert by_key["index.html"].content_type == "text/html; charset=utf-8"
    assert by_key["app.js"].content_type == "text/javascript; charset=utf-8"
    assert by_key["console/console.js"].content_type == "text/javascript; charset=utf-8"
    assert by_key["config.json"].cache_control == "no-cache"


@pytest.fixture
def deployed_stack() -> Iterator[boto3.session.Session]:
    """A stack's outputs, its bucket and distribution, in moto."""
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        session.client("s3").create_bucket(Bucket="shop-web")
        template = {
            "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
            "Outputs": {name: {"Value": value} for name, value in OUTPUTS.items()}
            | {"WebBucketName": {"Value": "shop-web"}, "WebDistributionId": {"Value": "E2EXAMPLE"}},
        }
        session.client("cloudformation").create_stack(StackName="shop", TemplateBody=json.dumps(template))
        yield session


def test_deploying_uploads_every_file_and_the_config_from_the_stack_outputs(
    deployed_stack: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    invalidations = []
    real_client = deployed_stack.client

    class CloudFront:
        def create_invalidation(self, **request: object) -> None:
            invalidations.append(request)

    monkeypatch.setattr(
        deployed_stack, "client", lambda name: CloudFront() if name == "cloudfront" else real_client(name)
    )

    result = deploy(deployed_stack, "shop")

    s3 = real_client("s3")
    stored = json.loads(s3.get_object(Bucket="shop-web", Key="config.json")["Body"].read())
    assert stored["apiUrl"] == "https://d111111abcdef8.cloudfront.net/v1"
    assert s3.head_object(Bucket="shop-web", Key="console/index.html")["ContentType"] == "text/html; charset=utf-8"
    assert len(result["uploaded"]) == s3.list_objects_v2(Bucket="shop-web")["KeyCount"]
    assert invalidations[0]["DistributionId"] == "E2EXAMPLE"
