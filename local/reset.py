"""Emptying the local shop in place: `python -m local reset` (the stack's own part is LocalStack.reset).

Everything is emptied through the AWS APIs of the embedded AWS, so the tables, queues, bus and user
pool keep their names and ARNs: the functions, the pumps and a browser's saved settings keep working.
"""

from __future__ import annotations

from typing import Any

import boto3

from local.provision import REGION, Stack

_DELETES_PER_BATCH = 25  # DynamoDB's BatchWriteItem limit


def empty_tables(session: boto3.session.Session, stack: Stack) -> dict[str, int]:
    """Delete every item of every table the template declares; returns how many each table held."""
    dynamodb = session.client("dynamodb", region_name=REGION)
    removed = {}
    for table in stack.template.of_type("AWS::DynamoDB::Table"):
        name = stack.ref(table)
        key_names = [key["AttributeName"] for key in dynamodb.describe_table(TableName=name)["Table"]["KeySchema"]]
        keys = [
            {key: item[key] for key in key_names}
            for page in dynamodb.get_paginator("scan").paginate(
                TableName=name,
                ProjectionExpression=", ".join(f"#k{i}" for i in range(len(key_names))),
                ExpressionAttributeNames={f"#k{i}": key for i, key in enumerate(key_names)},
            )
            for item in page["Items"]
        ]
        for start in range(0, len(keys), _DELETES_PER_BATCH):
            requests: list[Any] = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + _DELETES_PER_BATCH]]
            while requests:
                requests = (
                    dynamodb.batch_write_item(RequestItems={name: requests}).get("UnprocessedItems", {}).get(name, [])
                )
        removed[name] = len(keys)
    return removed


def purge_queues(session: boto3.session.Session) -> int:
    """Purge every queue of the embedded AWS (the template's, and the local rules' own)."""
    sqs = session.client("sqs", region_name=REGION)
    queue_urls = [url for page in sqs.get_paginator("list_queues").paginate() for url in page.get("QueueUrls", [])]
    for url in queue_urls:
        sqs.purge_queue(QueueUrl=url)
    return len(queue_urls)


def remove_members(session: boto3.session.Session, stack: Stack, keep: set[str]) -> int:
    """Delete every user of the pool but those whose email is in `keep`; returns how many were deleted."""
    cognito = session.client("cognito-idp", region_name=REGION)
    pool = stack.ref("UserPool")
    users = [user for page in cognito.get_paginator("list_users").paginate(UserPoolId=pool) for user in page["Users"]]
    leaving = [user["Username"] for user in users if _email(user) not in keep]
    for username in leaving:
        cognito.admin_delete_user(UserPoolId=pool, Username=username)
    return len(leaving)


def _email(user: dict[str, Any]) -> str | None:
    return next((a["Value"] for a in user.get("Attributes", []) if a["Name"] == "email"), None)
