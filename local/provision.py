"""Creates the shop's AWS resources, as template.yaml declares them, in moto (in-process or server).

Used by the handler tests and by the local stack, so both run against what the template says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from local import cognito
from local.template import Resolver, Template, load

REGION = "us-east-1"
ACCOUNT = "123456789012"
STACK_NAME = "preorder-shop-local"  # also in local/__init__.py
DEFAULT_PARAMETERS = {
    "SenderAddress": "orders@preorder-shop.example",
    "StripePublishableKey": "pk_test_local_shop",
    "AlarmEmail": "operator@preorder-shop.example",
}
# The secrets the template names but does not create (README, Deploying): made here with the local Stripe's
# values. The local Stripe takes any sk_test_ key; the webhook secret signs its notifications.
LOCAL_SECRETS = {"StripeSecretKeyName": "sk_test_local_shop", "StripeWebhookSecretName": "whsec_local_shop"}

_TABLE_KEYS = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "StreamSpecification",
)


@dataclass
class Stack:
    """What was created: each resource's Ref and attributes, and each function's resolved environment."""

    template: Template
    resolver: Resolver
    environments: dict[str, dict[str, str]] = field(default_factory=dict)

    def ref(self, logical_id: str) -> str:
        return self.resolver.refs[logical_id]

    def attribute(self, logical_id: str, name: str) -> str:
        return self.resolver.attributes[(logical_id, name)]


def provision(
    session: boto3.session.Session,
    parameters: dict[str, str] | None = None,
    template: Template | None = None,
) -> Stack:
    cognito.install()
    template = template or load()
    values = {**template.parameter_defaults(), **DEFAULT_PARAMETERS, **(parameters or {})}
    missing = [name for name in template.parameters if name not in values]
    if missing:
        raise ValueError(f"template parameters without a value: {missing}")
    refs: dict[str, str] = {
        **values,
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::StackName": STACK_NAME,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }
    resolver = Resolver(refs, {})
    stack = Stack(template=template, resolver=resolver)
    _create_tables(session, template, resolver)
    _create_queues(session, template, resolver)
    _create_buses(session, template, resolver)
    _create_rules(session, template, resolver)
    _create_secrets(session, values)
    _create_user_pools(session, template, resolver)
    session.client("ses", region_name=REGION).verify_email_identity(EmailAddress=values["SenderAddress"])
    _create_email_configuration_sets(session, template, resolver)
    _create_topics(session, template, resolver)
    for name, spec in template.functions().items():
        stack.environments[name] = {k: str(v) for k, v in resolver.resolve(spec.environment).items()}
    return stack


def _create_tables(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    dynamodb = session.client("dynamodb", region_name=REGION)
    for logical_id, resource in template.of_type("AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        request: dict[str, Any] = {key: props[key] for key in _TABLE_KEYS if key in props}
        if "SSESpecification" in props:
            # CloudFormation says SSEEnabled where the API says Enabled.
            request["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled", False))}
        if "StreamSpecification" in request:
            request["StreamSpecification"] = {"StreamEnabled": True, **request["StreamSpecification"]}
        description = dynamodb.create_table(TableName=logical_id, **request)["TableDescription"]
        if "TimeToLiveSpecification" in props:
            dynamodb.update_time_to_live(TableName=logical_id, TimeToLiveSpecification=props["TimeToLiveSpecification"])
        resolver.refs[logical_id] = logical_id
        resolver.attributes[(logical_id, "Arn")] = description["TableArn"]
        if "LatestStreamArn" in description:
            resolver.attributes[(logical_id, "StreamArn")] = description["LatestStreamArn"]


def _create_queues(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    sqs = session.client("sqs", region_name=REGION)
    queues = template.of_type("AWS::SQS::Queue")
    # Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
    ordered = sorted(queues, key=lambda name: "RedrivePolicy" in queues[name].get("Properties", {}))
    for logical_id in ordered:
        props = queues[logical_id].get("Properties", {})
        attributes = {}
        if "VisibilityTimeout" in props:
            attributes["VisibilityTimeout"] = str(props["VisibilityTimeout"])
        if "MessageRetentionPeriod" in props:
            attributes["MessageRetentionPeriod"] = str(props["MessageRetentionPeriod"])
        if "RedrivePolicy" in props:
            attributes["RedrivePolicy"] = json.dumps(resolver.resolve(props["RedrivePolicy"]))
        url = sqs.create_queue(QueueName=logical_id, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        resolver.refs[logical_id] = url
        resolver.attributes[(logical_id, "Arn")] = arn
        resolver.attributes[(logical_id, "QueueName")] = logical_id
        resolver.attributes[(logical_id, "QueueUrl")] = url


def _create_buses(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    events = session.client("events", region_name=REGION)
    for logical_id, resource in template.of_type("AWS::Events::EventBus").items():
        name = resolver.resolve(resource["Properties"]["Name"])
        arn = events.create_event_bus(Name=name)["EventBusArn"]
        resolver.refs[logical_id] = name
        resolver.attributes[(logical_id, "Arn")] = arn
        resolver.attributes[(logical_id, "Name")] = name


def _create_rules(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    """The template's own bus rules (AWS::Events::Rule) with their SQS targets, which moto delivers to."""
    events = session.client("events", region_name=REGION)
    for logical_id, resource in template.of_type("AWS::Events::Rule").items():
        props = resolver.resolve(resource["Properties"])
        bus = props.get("EventBusName", "default")
        arn = events.put_rule(Name=logical_id, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]))[
            "RuleArn"
        ]
        targets = [{"Id": target["Id"], "Arn": target["Arn"]} for target in props.get("Targets", [])]
        events.put_targets(Rule=logical_id, EventBusName=bus, Targets=targets)
        resolver.refs[logical_id] = logical_id
        resolver.attributes[(logical_id, "Arn")] = arn


def _create_secrets(session: boto3.session.Session, values: dict[str, str]) -> None:
    secrets = session.client("secretsmanager", region_name=REGION)
    for parameter, secret in LOCAL_SECRETS.items():
        if parameter in values:
            secrets.create_secret(Name=values[parameter], SecretString=secret)


def _create_user_pools(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    cognito = session.client("cognito-idp", region_name=REGION)
    for logical_id, resource in template.of_type("AWS::Cognito::UserPool").items():
        props = resource["Properties"]
        request = {
            key: props[key]
            for key in ("UsernameAttributes", "UsernameConfiguration", "AdminCreateUserConfig", "Policies")
            if key in props
        }
        pool = cognito.create_user_pool(PoolName=logical_id, **request)["UserPool"]
        resolver.refs[logical_id] = pool["Id"]
        resolver.attributes[(logical_id, "Arn")] = pool["Arn"]
        resolver.attributes[(logical_id, "ProviderName")] = f"cognito-idp.{REGION}.amazonaws.com/{pool['Id']}"
    for logical_id, resource in template.of_type("AWS::Cognito::UserPoolClient").items():
        props = resource["Properties"]
        pool_id = resolver.resolve(props["UserPoolId"])
        created = cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName=logical_id,
            GenerateSecret=bool(props.get("GenerateSecret", False)),
            ExplicitAuthFlows=props.get("ExplicitAuthFlows", []),
        )["UserPoolClient"]
        resolver.refs[logical_id] = created["ClientId"]
    for logical_id, resource in template.of_type("AWS::Cognito::UserPoolGroup").items():
        props = resource["Properties"]
        cognito.create_group(
            GroupName=props["GroupName"],
            UserPoolId=resolver.resolve(props["UserPoolId"]),
            Description=props.get("Description", ""),
        )
        resolver.refs[logical_id] = props["GroupName"]


def _create_email_configuration_sets(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    sesv2 = session.client("sesv2", region_name=REGION)
    for logical_id, resource in template.of_type("AWS::SES::ConfigurationSet").items():
        name = resolver.resolve(resource["Properties"]["Name"])
        sesv2.create_configuration_set(ConfigurationSetName=name)
        resolver.refs[logical_id] = name


def _create_topics(session: boto3.session.Session, template: Template, resolver: Resolver) -> None:
    """SNS topics (alarms, SES events); the local stack delivers SES's events to their subscribers itself."""
    sns = session.client("sns", region_name=REGION)
    for logical_id in template.of_type("AWS::SNS::Topic"):
        arn = sns.create_topic(Name=f"{STACK_NAME}-{logical_id}")["TopicArn"]
        resolver.refs[logical_id] = arn
        resolver.attributes[(logical_id, "TopicArn")] = arn
        resolver.attributes[(logical_id, "TopicName")] = f"{STACK_NAME}-{logical_id}"
