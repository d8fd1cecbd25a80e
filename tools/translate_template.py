"""Turns a SAM template (JSON on stdin, long forms) into CloudFormation as the SAM translator does (JSON on
stdout), offline.

Run by the SAM translator's own environment (.venv-sam-translator, requirements/sam-translator.txt): the
translator is what `sam build`, `sam validate` and `sam deploy` use, so the resources it writes are the
ones CloudFormation creates. No AWS call is made: managed policies are named by ARN, the region is fixed.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

PSEUDO_PARAMETERS = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}


def packaged(template: dict[str, Any]) -> dict[str, Any]:
    """What `sam package` hands the translator: local code folders replaced by the s3:// address of their upload."""
    for resource in template["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            uri = resource.get("Properties", {}).get(key)
            if isinstance(uri, str) and not uri.startswith("s3://"):
                resource["Properties"][key] = f"s3://artifacts/{uri.strip('/')}.zip"
    return template


def translate(template: dict[str, Any]) -> dict[str, Any]:
    translated: dict[str, Any] = Translator(
        managed_policy_map={}, sam_parser=Parser(), boto_session=boto3.session.Session(region_name="us-east-1")
    ).translate(packaged(template), parameter_values=dict(PSEUDO_PARAMETERS))
    return translated


if __name__ == "__main__":
    json.dump(translate(json.load(sys.stdin)), sys.stdout, indent=1, sort_keys=True, default=str)
