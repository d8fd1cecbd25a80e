"""The structure of template.yaml: references that resolve, data that survives, and no message lost silently.

Pure parsing (local.template.load), no AWS. The finders below are tested on small broken templates too,
so a finder that stopped looking cannot make the checks on the real template pass by finding nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from local.template import ROOT, load

TEMPLATE = load()
DOCUMENT = TEMPLATE.document

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)

# What Fn::GetAtt may ask of each resource type the template uses (CloudFormation and SAM return values).
ATTRIBUTES: dict[str, frozenset[str]] = {
    "AWS::DynamoDB::Table": frozenset({"Arn", "StreamArn"}),
    "AWS::SQS::Queue": frozenset({"Arn", "QueueName", "QueueUrl"}),
    "AWS::Events::EventBus": frozenset({"Arn", "Name", "Policy"}),
    "AWS::Cognito::UserPool": frozenset({"Arn", "ProviderName", "ProviderURL", "UserPoolId"}),
    "AWS::Cognito::UserPoolClient": frozenset({"ClientId", "ClientSecret", "Name"}),
    "AWS::Cognito::UserPoolGroup": frozenset(),
    "AWS::SQS::QueuePolicy": frozenset({"Id"}),
    "AWS::Events::Rule": frozenset({"Arn"}),
    "AWS::CloudWatch::Alarm": frozenset({"Arn"}),
    "AWS::Serverless::Function": frozenset({"Arn"}),
    "AWS::Serverless::Api": frozenset({"RootResourceId"}),
    "AWS::Serverless::LayerVersion": frozenset(),
    "AWS::S3::Bucket": frozenset({"Arn", "DomainName", "RegionalDomainName", "DualStackDomainName", "WebsiteURL"}),
    "AWS::S3::BucketPolicy": frozenset(),
    "AWS::CloudFront::OriginAccessControl": frozenset({"Id"}),
    "AWS::CloudFront::Distribution": frozenset({"DomainName", "Id"}),
    "AWS::CloudFront::Function": frozenset({"FunctionARN", "FunctionMetadata.FunctionARN", "Stage"}),
}

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class Reference:
    """One use of a name: where it is, how (Ref or GetAtt, perhaps inside Fn::Sub), what, and which attribute."""

    where: str
    name: str
    attribute: str | None = None

    def __str__(self) -> str:
        target = f"{self.name}.{self.attribute}" if self.attribute else self.name
        return f"{self.where}: {target}"


def references(node: Any, where: str = "") -> Iterator[Reference]:
    """Every Ref, GetAtt and ${...} of Fn::Sub anywhere under node (Globals, policies, events, outputs)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from references(item, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        return
    if set(node) == {"Ref"}:
        yield Reference(where, str(node["Ref"]))
        return
    if set(node) == {"Fn::GetAtt"}:
        logical, attribute = node["Fn::GetAtt"]
        yield Reference(where, str(logical), str(attribute))
        return
    if set(node) == {"Fn::Sub"}:
        yield from _sub_references(node["Fn::Sub"], where)
        return
    for key, value in node.items():
        yield from references(value, f"{where}.{key}" if where else str(key))


def _sub_references(argument: Any, where: str) -> Iterator[Reference]:
    text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
    for name, value in variables.items():
        yield from references(value, f"{where}.Fn::Sub.{name}")
    for variable in _SUB_VARIABLE.findall(text):
        if variable.startswith("!") or variable in variables:
            continue  # ${!Literal} is text; a variable of the Sub's own map is defined right there
        name, _, attribute = variable.partition(".")
        if variable.startswith("AWS::"):
            name, attribute = variable, ""
        yield Reference(f"{where}.Fn::Sub", name, attribute or None)


def undeclared(document: dict[str, Any]) -> list[str]:
    """References to a name that is neither a resource, a parameter nor a pseudo parameter."""
    declared = set(document.get("Resources", {})) | set(document.get("Parameters", {})) | PSEUDO_PARAMETERS
    return [str(ref) for ref in references(document) if ref.name not in declared]


def unknown_attributes(document: dict[str, Any]) -> dict[str, str]:
    """GetAtt (or ${X.Attr}) asking a resource for an attribute its type does not have, with why."""
    resources = document.get("Resources", {})
    problems = {}
    for ref in references(document):
        if ref.attribute is None or ref.name not in resources:
            continue
        resource = resources[ref.name]
        allowed = ATTRIBUTES.get(resource["Type"])
        if allowed is None:
            problems[str(ref)] = f"add {resource['Type']} to ATTRIBUTES in this test"
        elif ref.attribute not in allowed:
            problems[str(ref)] = f"{resource['Type']} has no attribute {ref.attribute}"
        elif ref.attribute == "StreamArn" and "StreamSpecification" not in resource.get("Properties", {}):
            problems[str(ref)] = "the table has no StreamSpecification, so no stream"
    return problems


def _names(value: Any) -> set[str]:
    return {ref.name for ref in references(value)}


def queues_in_use(document: dict[str, Any]) -> set[str]:
    """Queues something reads from or writes to: function event sources and destinations, policies, redrives."""
    resources = document.get("Resources", {})
    queues = {name for name, res in resources.items() if res["Type"] == "AWS::SQS::Queue"}
    used = _names(document.get("Globals", {}))
    for resource in resources.values():
        if resource["Type"] in {"AWS::Serverless::Function", "AWS::Events::Rule", "AWS::Lambda::EventSourceMapping"}:
            used |= _names(resource.get("Properties", {}))
        used |= _names(resource.get("Properties", {}).get("RedrivePolicy", {}))
    return used & queues


_DEAD_LETTER_KEYS = frozenset({"DeadLetterConfig", "DeadLetterQueue", "OnFailure", "RedrivePolicy"})


def dead_letter_queues(document: dict[str, Any]) -> set[str]:
    """Queues that catch what failed: redrive targets, rule DLQs, on-failure destinations, function DLQs."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _DEAD_LETTER_KEYS:
                    found.update(_names(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document.get("Resources", {}))
    walk(document.get("Globals", {}))
    return found


def alarmed_queues(document: dict[str, Any]) -> set[str]:
    """Queues a CloudWatch alarm watches for visible messages."""
    alarmed: set[str] = set()
    for resource in document.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource["Type"] != "AWS::CloudWatch::Alarm" or props.get("Namespace") != "AWS/SQS":
            continue
        if props.get("MetricName") != "ApproximateNumberOfMessagesVisible":
            continue
        for dimension in props.get("Dimensions", []):
            if dimension.get("Name") == "QueueName":
                alarmed |= _names(dimension.get("Value"))
    return alarmed


def unprotected_queues(document: dict[str, Any]) -> list[str]:
    """Queues in use with neither a dead-letter queue of their own nor, being a DLQ, an alarm on them."""
    resources = document.get("Resources", {})
    dead_letter, alarmed = dead_letter_queues(document), alarmed_queues(document)
    problems = []
    for name in sorted(queues_in_use(document)):
        redrive = resources[name].get("Properties", {}).get("RedrivePolicy", {})
        if _names(redrive.get("deadLetterTargetArn")) & set(resources):
            continue
        if name in dead_letter and name in alarmed:
            continue
        problems.append(name)
    return problems


# --- (c) references ---------------------------------------------------------------------------------------


def test_every_reference_names_a_resource_a_parameter_or_a_pseudo_parameter() -> None:
    # when
    problems = undeclared(DOCUMENT)

    # then
    assert problems == []


def test_every_attribute_asked_for_is_one_its_resource_type_has() -> None:
    # when
    problems = unknown_attributes(DOCUMENT)

    # then
    assert problems == {}


def test_a_reference_to_an_undeclared_name_is_found_wherever_it_hides() -> None:
    # given
    document = {
        "Parameters": {"Sender": {"Type": "String"}},
        "Globals": {"Function": {"Environment": {"Variables": {"TABLE": {"Ref": "NoTable"}}}}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Policies": [{"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["NoQueue", "QueueName"]}}}],
                    "Events": {"Feed": {"Type": "DynamoDB", "Properties": {"Stream": {"Fn::GetAtt": ["NoT", "A"]}}}},
                    "Description": {"Fn::Sub": "${Sender} ${AWS::Region} ${!Literal} ${NoName} ${NoRes.Arn}"},
                    "Handler": {"Fn::Sub": ["${Own}", {"Own": {"Ref": "NoVariable"}}]},
                },
            }
        },
    }

    # when
    names = {problem.rsplit(": ", 1)[1] for problem in undeclared(document)}

    # then
    assert names == {"NoTable", "NoQueue.QueueName", "NoT.A", "NoName", "NoRes.Arn", "NoVariable"}


def test_an_attribute_the_resource_type_lacks_is_found() -> None:
    # given
    document = {
        "Resources": {
            "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {"Feed": {"Properties": {"Stream": {"Fn::GetAtt": ["Table", "StreamArn"]}}}},
                    "Description": {"Fn::Sub": "${Queue.Url}"},
                },
            },
        }
    }

    # when
    problems = unknown_attributes(document)

    # then
    assert {where.rsplit(": ", 1)[1] for where in problems} == {"Table.StreamArn", "Queue.Url"}


# --- (d) no orphan code -----------------------------------------------------------------------------------

FUNCTION_FOLDERS = sorted(
    path.name for path in (ROOT / "functions").iterdir() if path.is_dir() and not path.name.startswith(("_", "."))
)


@pytest.mark.parametrize("folder", FUNCTION_FOLDERS)
def test_every_function_folder_is_deployed_by_the_template(folder: str) -> None:
    # when
    code_uris = {spec.code_uri for spec in TEMPLATE.functions().values()}

    # then
    assert f"functions/{folder}" in code_uris


# --- (e) the tables keep their data -----------------------------------------------------------------------

TABLES = sorted(TEMPLATE.of_type("AWS::DynamoDB::Table"))


@pytest.mark.parametrize("table", TABLES)
def test_every_table_can_be_restored_to_a_point_in_time(table: str) -> None:
    # when
    properties = TEMPLATE.resources[table]["Properties"]

    # then
    assert properties.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True


@pytest.mark.parametrize("table", TABLES)
def test_every_table_is_encrypted_at_rest(table: str) -> None:
    # when
    properties = TEMPLATE.resources[table]["Properties"]

    # then
    assert properties.get("SSESpecification", {}).get("SSEEnabled") is True


@pytest.mark.parametrize("table", TABLES)
def test_every_table_outlives_the_stack(table: str) -> None:
    # when
    resource = TEMPLATE.resources[table]

    # then
    assert resource.get("DeletionPolicy") == "Retain"


@pytest.mark.parametrize("table", TABLES)
def test_every_table_outlives_its_replacement(table: str) -> None:
    # when
    resource = TEMPLATE.resources[table]

    # then
    assert resource.get("UpdateReplacePolicy") == "Retain"


# --- (f) no message lost without someone hearing of it ----------------------------------------------------


def test_every_queue_in_use_has_a_dead_letter_queue_or_is_an_alarmed_dead_letter_queue() -> None:
    # when
    problems = unprotected_queues(DOCUMENT)

    # then
    assert problems == []


def test_every_queue_is_read_or_written_by_something() -> None:
    # given
    queues = set(TEMPLATE.of_type("AWS::SQS::Queue"))

    # when
    used = queues_in_use(DOCUMENT)

    # then
    assert used == queues


def test_a_queue_without_a_dead_letter_queue_or_an_alarm_is_found() -> None:
    # given
    queue = {"Type": "AWS::SQS::Queue", "Properties": {}}
    document = {
        "Resources": {
            "Source": queue,
            "Silent": queue,
            "Watched": queue,
            "Redriven": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Watched", "Arn"]}}},
            },
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Events": {
                        "Work": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Source", "Arn"]}}},
                        "More": {"Type": "SQS", "Properties": {"Queue": {"Fn::GetAtt": ["Redriven", "Arn"]}}},
                        "Bus": {
                            "Type": "EventBridgeRule",
                            "Properties": {"DeadLetterConfig": {"Arn": {"Fn::GetAtt": ["Silent", "Arn"]}}},
                        },
                    }
                },
            },
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Namespace": "AWS/SQS",
                    "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Dimensions": [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["Watched", "QueueName"]}}],
                },
            },
        }
    }

    # when
    problems = unprotected_queues(document)

    # then
    assert problems == ["Silent", "Source"]


def _function_statements() -> list[tuple[str, dict]]:
    """Every IAM statement the template writes for a function (SAM policy templates are not statements)."""
    found = []
    for name, resource in load().of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                found.append((name, statement))
    return found


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def test_no_policy_statement_grants_a_wildcard_action_or_resource() -> None:
    wildcards = [
        (name, value)
        for name, statement in _function_statements()
        for value in _as_list(statement["Action"]) + _as_list(statement["Resource"])
        if "*" in json.dumps(value)
    ]

    assert wildcards == []


def test_table_access_is_granted_per_table_and_named_index_not_by_a_policy_template() -> None:
    templates = [
        (name, key)
        for name, resource in load().of_type("AWS::Serverless::Function").items()
        for policy in resource["Properties"].get("Policies", [])
        if isinstance(policy, dict)
        for key in policy
        if key.startswith("DynamoDB")
    ]

    assert templates == []


def test_every_checkov_skip_says_why() -> None:
    skips = [
        (name, skip)
        for name, resource in load().resources.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]

    assert skips
    assert [(name, skip["id"]) for name, skip in skips if len(skip.get("comment", "")) < 40] == []


def test_the_api_stage_is_throttled() -> None:
    api = next(iter(load().of_type("AWS::Serverless::Api").values()))
    settings = api["Properties"]["MethodSettings"][0]

    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0
