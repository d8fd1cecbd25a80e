"""Operating the shop on AWS (issue 12), checked on the CloudFormation the SAM translator writes from template.yaml.

The translator (requirements/sam-translator.txt, the version aws-sam-cli pins) runs offline in its own
environment (`make translator`). The checks are generic: a function, queue or alarm added later is held to
them without editing this file. Each finder is also run on a small broken template, so a finder that
stopped looking cannot pass by finding nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from local.template import ROOT, load

TRANSLATOR = ROOT / ".venv-sam-translator" / "bin" / "python"

# Properties that name a resource account-wide (in its region): two stacks must never give the same.
NAME_PROPERTIES = (
    "Name",
    "LayerName",
    "FunctionName",
    "TableName",
    "QueueName",
    "TopicName",
    "LogGroupName",
    "AlarmName",
    "DashboardName",
    "RoleName",
    "UserPoolName",
    "GroupName",
    "ScheduleGroupName",
)
# Names that live inside another resource of the stack, so two stacks cannot clash on them.
NAMES_INSIDE_A_PARENT = {"AWS::Cognito::UserPoolGroup"}
# The functions whose work removes an item of the shop table: the cart, a used password code, a withdrawal, and a
# withdrawn member's payment customer.
DELETING_FUNCTIONS = {
    "CartFunction",
    "PasswordsFunction",
    "AccountFunction",
    "AdminSupportFunction",
    "ForgetPaymentCustomerFunction",
}


@cache
def translated() -> dict[str, Any]:
    if not TRANSLATOR.exists():
        pytest.fail("the SAM translator's environment is missing: run `make translator` (make test does)")
    result = subprocess.run(  # noqa: S603 - our own script, run by our own interpreter
        [str(TRANSLATOR), str(ROOT / "tools" / "translate_template.py")],
        input=json.dumps(load().document),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def of_type(document: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in document["Resources"].items() if r["Type"] == resource_type}


def refs_in(node: Any) -> Iterator[str]:
    """Every resource or parameter named by Ref, GetAtt or ${...} under node."""
    if isinstance(node, list):
        for item in node:
            yield from refs_in(item)
    elif isinstance(node, dict):
        if set(node) == {"Ref"}:
            yield str(node["Ref"])
        elif set(node) == {"Fn::GetAtt"}:
            yield str(node["Fn::GetAtt"][0])
        elif set(node) == {"Fn::Sub"}:
            text = node["Fn::Sub"] if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"][0]
            yield from (name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", text))
        else:
            for value in node.values():
                yield from refs_in(value)


# ---------------------------------------------------------------- finders


def alarms_without_a_person(document: dict[str, Any]) -> list[str]:
    """Alarms that do not notify an SNS topic with an email subscription, both when firing and when OK."""
    topics = set(of_type(document, "AWS::SNS::Topic"))
    emailed = {
        ref
        for sub in of_type(document, "AWS::SNS::Subscription").values()
        if sub["Properties"].get("Protocol") == "email"
        for ref in refs_in(sub["Properties"]["TopicArn"])
    }
    found = []
    for name, alarm in of_type(document, "AWS::CloudWatch::Alarm").items():
        for actions in ("AlarmActions", "OKActions"):
            targets = set(refs_in(alarm["Properties"].get(actions, [])))
            if not targets & topics & emailed:
                found.append(f"{name}.{actions}")
    return found


def functions_without_kept_logs(document: dict[str, Any]) -> list[str]:
    """Functions not logging to a log group of the stack whose retention is the LogRetentionDays parameter."""
    groups = of_type(document, "AWS::Logs::LogGroup")
    found = []
    for name, function in of_type(document, "AWS::Lambda::Function").items():
        target = function["Properties"].get("LoggingConfig", {}).get("LogGroup")
        group = groups.get(target["Ref"]) if isinstance(target, dict) and "Ref" in target else None
        if group is None or group["Properties"].get("RetentionInDays") != {"Ref": "LogRetentionDays"}:
            found.append(name)
    return found


def functions_without_alarm_on(document: dict[str, Any], metric: str) -> list[str]:
    watched = {
        ref
        for alarm in of_type(document, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == metric and alarm["Properties"].get("Namespace") == "AWS/Lambda"
        for dimension in alarm["Properties"].get("Dimensions", [])
        if dimension["Name"] == "FunctionName"
        for ref in refs_in(dimension["Value"])
    }
    return sorted(set(of_type(document, "AWS::Lambda::Function")) - watched)


def dead_letter_queues(document: dict[str, Any]) -> set[str]:
    """Every queue something parks failures in: redrive policies, on-failure destinations, DLQ configs."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"deadLetterTargetArn", "DeadLetterConfig", "OnFailure"}:
                    found.update(refs_in(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document["Resources"])
    return found & set(of_type(document, "AWS::SQS::Queue"))


def unwatched_dead_letter_queues(document: dict[str, Any]) -> list[str]:
    watched = {
        ref
        for alarm in of_type(document, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "ApproximateNumberOfMessagesVisible"
        for dimension in alarm["Properties"].get("Dimensions", [])
        for ref in refs_in(dimension["Value"])
    }
    return sorted(dead_letter_queues(document) - watched)


def names_two_stacks_would_share(document: dict[str, Any]) -> list[str]:
    found = []
    for name, resource in document["Resources"].items():
        if resource["Type"] in NAMES_INSIDE_A_PARENT:
            continue
        for key in NAME_PROPERTIES:
            value = resource.get("Properties", {}).get(key)
            if isinstance(value, dict) and set(value) & {"Ref", "Fn::GetAtt"}:
                continue  # names another resource of the stack (a permission's function), not itself
            if value is not None and "AWS::StackName" not in json.dumps(value):
                found.append(f"{name}.{key}")
    return found


# ---------------------------------------------------------------- the finders on broken templates

BROKEN: dict[str, Any] = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Mail": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"Protocol": "email", "TopicArn": {"Ref": "Topic"}, "Endpoint": {"Ref": "AlarmEmail"}},
        },
        "Silent": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"AlarmActions": [{"Ref": "Topic"}]}},
        "Group": {"Type": "AWS::Logs::LogGroup", "Properties": {}},
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "LoggingConfig": {"LogGroup": {"Ref": "Group"}},
                "DeadLetterConfig": {"TargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}},
            },
        },
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "shop-dlq"}},
        "Layer": {
            "Type": "AWS::Lambda::LayerVersion",
            "Properties": {"LayerName": {"Fn::Sub": "${AWS::StackName}-common"}},
        },
    }
}


def test_an_alarm_that_tells_nobody_when_it_is_ok_again_is_found() -> None:
    assert alarms_without_a_person(BROKEN) == ["Silent.OKActions"]


def test_a_function_whose_log_group_keeps_logs_forever_is_found() -> None:
    assert functions_without_kept_logs(BROKEN) == ["Fn"]


def test_a_function_without_an_errors_alarm_is_found() -> None:
    assert functions_without_alarm_on(BROKEN, "Errors") == ["Fn"]


def test_a_dead_letter_queue_without_an_alarm_is_found() -> None:
    assert unwatched_dead_letter_queues(BROKEN) == ["Dlq"]


def test_a_fixed_name_is_found_and_one_from_the_stack_name_is_not() -> None:
    assert names_two_stacks_would_share(BROKEN) == ["Dlq.QueueName"]


# ---------------------------------------------------------------- the shop's template, as CloudFormation gets it


def test_every_alarm_notifies_a_person_when_it_fires_and_when_it_is_ok_again() -> None:
    assert of_type(translated(), "AWS::CloudWatch::Alarm")
    assert alarms_without_a_person(translated()) == []


def test_the_alarm_email_is_a_parameter_of_the_stack() -> None:
    subscriptions = of_type(translated(), "AWS::SNS::Subscription").values()
    endpoints = [s["Properties"]["Endpoint"] for s in subscriptions if s["Properties"]["Protocol"] == "email"]

    assert endpoints == [{"Ref": "AlarmEmail"}]
    assert "AlarmEmail" in translated()["Parameters"]


def test_every_function_logs_to_its_own_group_with_the_retention_parameter() -> None:
    functions = of_type(translated(), "AWS::Lambda::Function")
    groups = [f["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for f in functions.values()]

    assert functions_without_kept_logs(translated()) == []
    assert len(set(groups)) == len(functions)
    assert translated()["Parameters"]["LogRetentionDays"]["Default"] == 30


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_alarm_on_its(metric: str) -> None:
    assert functions_without_alarm_on(translated(), metric) == []


def test_every_dead_letter_queue_has_an_alarm_when_it_is_not_empty() -> None:
    assert len(dead_letter_queues(translated())) >= 4
    assert unwatched_dead_letter_queues(translated()) == []


def test_every_stream_source_has_an_alarm_on_its_iterator_age() -> None:
    # Records older than 24 hours leave the stream: an age alarm warns long before.
    mappings = of_type(translated(), "AWS::Lambda::EventSourceMapping").values()
    streamed = {
        ref
        for m in mappings
        if "StreamArn" in json.dumps(m["Properties"]["EventSourceArn"])
        for ref in refs_in(m["Properties"]["FunctionName"])
    }
    watched = {
        ref
        for alarm in of_type(translated(), "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "IteratorAge"
        for dimension in alarm["Properties"]["Dimensions"]
        for ref in refs_in(dimension["Value"])
    }

    assert streamed
    assert streamed <= watched


def test_every_queue_source_is_capped_and_its_queue_watched_for_age() -> None:
    # A fan-out of thousands of jobs must not take the account's concurrency from the API.
    mappings = of_type(translated(), "AWS::Lambda::EventSourceMapping").values()
    queues = [m for m in mappings if "StreamArn" not in json.dumps(m["Properties"]["EventSourceArn"])]
    aged = {
        ref
        for alarm in of_type(translated(), "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"].get("MetricName") == "ApproximateAgeOfOldestMessage"
        for dimension in alarm["Properties"]["Dimensions"]
        for ref in refs_in(dimension["Value"])
    }

    assert queues
    for mapping in queues:
        assert 2 <= mapping["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= 10
        assert set(refs_in(mapping["Properties"]["EventSourceArn"])) <= aged


def test_the_api_has_alarms_on_server_errors_and_p99_latency() -> None:
    alarms = [a["Properties"] for a in of_type(translated(), "AWS::CloudWatch::Alarm").values()]
    api = {
        (a["MetricName"], a.get("ExtendedStatistic", a.get("Statistic")))
        for a in alarms
        if a["Namespace"] == "AWS/ApiGateway"
    }

    assert api == {("5XXError", "Average"), ("Latency", "p99")}


LAYER = ROOT / "layers" / "common" / "python"
_IMPORT = re.compile(r"^\s*(?:from|import)\s+((?:shop|shop_aws|use_cases)(?:\.\w+)*)(?:\s+import\s+([\w, ]+))?", re.M)


def code_of(service_folder: str) -> str:
    """The source a function runs: its app.py and every module of the layer it imports, transitively."""
    seen: set[Path] = set()
    pending = [ROOT / "functions" / service_folder / "app.py"]
    texts = []
    while pending:
        path = pending.pop()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        for module, names in _IMPORT.findall(text):
            base = LAYER / module.replace(".", "/")
            pending += [base.with_suffix(".py"), base / "__init__.py"]
            pending += [base / f"{name.strip()}.py" for name in names.split(",") if name.strip()]
    return "\n".join(texts)


def test_the_code_of_a_function_is_found_through_its_imports() -> None:
    code = code_of("payment_failed")

    assert 'name="PaymentsFailed"' in code
    assert 'name="OrdersPlaced"' not in code


def test_every_shop_metric_an_alarm_watches_is_emitted_by_the_function_of_its_service_in_its_namespace() -> None:
    functions = of_type(translated(), "AWS::Lambda::Function").values()
    namespaces = {
        json.dumps(f["Properties"]["Environment"]["Variables"]["POWERTOOLS_METRICS_NAMESPACE"]) for f in functions
    }
    folders = {
        f["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: f["Properties"]["Code"]["S3Key"]
        .removeprefix("functions/")
        .removesuffix(".zip")
        for f in functions
    }
    custom = [
        a["Properties"]
        for a in of_type(translated(), "AWS::CloudWatch::Alarm").values()
        if not str(a["Properties"]["Namespace"]).startswith("AWS/")
    ]

    assert len(namespaces) == 1
    assert "AWS::StackName" in next(iter(namespaces))
    assert len(custom) >= 6
    for alarm in custom:
        (service,) = [d["Value"] for d in alarm["Dimensions"] if d["Name"] == "service"]
        assert json.dumps(alarm["Namespace"]) in namespaces
        assert f'name="{alarm["MetricName"]}"' in code_of(folders[service]), (alarm["MetricName"], service)


def test_no_name_is_one_a_second_stack_in_the_account_would_take() -> None:
    # Staging beside production: every name that CloudFormation does not generate comes from the stack name.
    assert names_two_stacks_would_share(translated()) == []


def test_the_tables_and_the_user_pool_refuse_deletion_and_outlive_the_stack() -> None:
    tables = of_type(translated(), "AWS::DynamoDB::Table")
    pools = of_type(translated(), "AWS::Cognito::UserPool")

    assert tables
    assert pools
    for table in tables.values():
        assert table["Properties"]["DeletionProtectionEnabled"] is True
        assert table["DeletionPolicy"] == "Retain"
    for pool in pools.values():
        assert pool["Properties"]["DeletionProtection"] == "ACTIVE"
        assert pool["DeletionPolicy"] == "Retain"


def test_the_api_has_one_stage_and_it_is_throttled() -> None:
    # Without OpenApiVersion SAM adds a stage named Stage, without the throttling.
    stages = of_type(translated(), "AWS::ApiGateway::Stage")

    assert len(stages) == len(of_type(translated(), "AWS::ApiGateway::RestApi")) == 1
    (stage,) = stages.values()
    assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] > 0


def _actions_on_shop_table(role: dict[str, Any]) -> set[str]:
    actions: set[str] = set()
    for policy in role["Properties"].get("Policies", []):
        for statement in policy["PolicyDocument"]["Statement"]:
            if "ShopTable" in set(refs_in(statement.get("Resource"))):
                granted = statement["Action"]
                actions.update([granted] if isinstance(granted, str) else granted)
    return actions


def test_only_the_functions_that_remove_items_may_delete_from_the_shop_table() -> None:
    functions = of_type(translated(), "AWS::Lambda::Function")
    roles = of_type(translated(), "AWS::IAM::Role")
    deleting = {
        name
        for name, f in functions.items()
        if "dynamodb:DeleteItem" in _actions_on_shop_table(roles[f["Properties"]["Role"]["Fn::GetAtt"][0]])
    }

    assert deleting == DELETING_FUNCTIONS


def test_a_read_only_function_cannot_write_to_the_shop_table() -> None:
    roles = of_type(translated(), "AWS::IAM::Role")

    assert _actions_on_shop_table(roles["CatalogueFunctionRole"]) == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
    }


def test_the_dashboard_shows_the_business_figures_beside_the_technical_ones() -> None:
    (dashboard,) = of_type(translated(), "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])

    for metric in (
        "OrdersPlaced",
        "PaymentsSucceeded",
        "PaymentsFailed",
        "OrdersExpired",
        "EmailsSent",
        "EmailsUndeliverable",
    ):
        assert metric in body
    for metric in ("5XXError", "Latency", "IteratorAge", "ApproximateNumberOfMessagesVisible"):
        assert metric in body


def test_the_sender_identity_sends_through_a_configuration_set_whose_bounces_reach_a_function() -> None:
    # rule E1
    (identity,) = of_type(translated(), "AWS::SES::EmailIdentity").values()
    (destination,) = of_type(translated(), "AWS::SES::ConfigurationSetEventDestination").values()
    subscribed = [
        s["Properties"]
        for s in of_type(translated(), "AWS::SNS::Subscription").values()
        if s["Properties"]["Protocol"] == "lambda"
    ]
    event = destination["Properties"]["EventDestination"]

    assert identity["Properties"]["EmailIdentity"] == {"Ref": "SenderAddress"}
    assert {"bounce", "complaint"} <= set(event["MatchingEventTypes"])
    topic = event["SnsDestination"]["TopicARN"]
    assert any(
        s["TopicArn"] == topic and s["Endpoint"] == {"Fn::GetAtt": ["EmailEventsFunction", "Arn"]} for s in subscribed
    )
