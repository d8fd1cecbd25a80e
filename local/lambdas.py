"""Runs the shop's Lambda functions in this process, fed the events AWS would feed them.

- API Gateway: `api_event` builds the REST proxy event (with the authorizer's claims).
- DynamoDB stream: `StreamPump` reads the table's stream and invokes each function subscribed to it,
  with the template's filter, batch size and partial-failure reporting.
- SQS: `QueuePump` receives from a queue and invokes its function, deleting only what succeeded.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import boto3

from local.patterns import matches
from local.provision import ACCOUNT, REGION, Stack
from local.template import FunctionSpec
from shop_aws import runtime

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that Powertools and the functions read."""

    function_name: str
    timeout_seconds: int
    memory_limit_in_mb: int = 1024
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    remaining_millis: Callable[[], int] | None = None

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis() if self.remaining_millis else self.timeout_seconds * 1000


class Functions:
    """Imports each function's handler module once, as Lambda does per container."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.specs = stack.template.functions()
        self._modules: dict[str, ModuleType] = {}
        self._importing = threading.RLock()

    def module(self, logical_id: str) -> ModuleType:
        with self._importing:
            return self._import(logical_id)

    def _import(self, logical_id: str) -> ModuleType:
        """One import per function, even when requests arrive together (a container imports once)."""
        if logical_id not in self._modules:
            spec = self.specs[logical_id]
            name = f"shop_function_{spec.folder.name}"
            loader_spec = importlib.util.spec_from_file_location(name, spec.module_file)
            if loader_spec is None or loader_spec.loader is None:
                raise ImportError(f"cannot load {spec.module_file}")
            module = importlib.util.module_from_spec(loader_spec)
            sys.modules[name] = module
            with runtime.running_as(self.service(logical_id)):  # decorators bind the function's own Logger
                loader_spec.loader.exec_module(module)
            self._modules[logical_id] = module
        return self._modules[logical_id]

    def service(self, logical_id: str) -> str | None:
        """The function's POWERTOOLS_SERVICE_NAME: what its log lines say they come from."""
        return self.stack.environments.get(logical_id, {}).get("POWERTOOLS_SERVICE_NAME")

    def handler(self, logical_id: str) -> Handler:
        handler: Handler = getattr(self.module(logical_id), self.specs[logical_id].handler_name)
        return handler

    def invoke(self, logical_id: str, event: dict[str, Any], remaining_millis: Callable[[], int] | None = None) -> Any:
        spec: FunctionSpec = self.specs[logical_id]
        context = LambdaContext(
            function_name=logical_id, timeout_seconds=spec.timeout, remaining_millis=remaining_millis
        )
        handler = self.handler(logical_id)
        with runtime.running_as(self.service(logical_id)):  # this thread logs as this function
            return handler(event, context)


def api_event(
    method: str,
    resource: str,
    path: str,
    *,
    path_parameters: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
    stage: str = "v1",
) -> dict[str, Any]:
    """The proxy event API Gateway (REST) gives a Lambda integration."""
    all_headers = {"Host": "localhost", **(headers or {})}
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
        all_headers.setdefault("Content-Type", "application/json")
    request_context: dict[str, Any] = {
        "resourcePath": resource,
        "httpMethod": method,
        "path": f"/{stage}{path}",
        "stage": stage,
        "requestId": str(uuid.uuid4()),
        "accountId": ACCOUNT,
        "identity": {"sourceIp": "127.0.0.1", "userAgent": all_headers.get("User-Agent", "local")},
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": claims}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in (query or {}).items()} or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": False,
        "rawQueryString": urlencode(query or {}),
    }


def _stream_sources(stack: Stack, stream_arn: str) -> list[tuple[str, dict[str, Any]]]:
    sources = []
    for logical_id, spec in stack.template.functions().items():
        for event in spec.events.values():
            if event["Type"] == "DynamoDB" and stack.resolver.resolve(event["Properties"]["Stream"]) == stream_arn:
                sources.append((logical_id, event["Properties"]))
    return sources


class StreamPump:
    """Delivers new records of a table's stream to its subscribed functions, as Lambda's poller does."""

    def __init__(self, session: boto3.session.Session, stack: Stack, functions: Functions, table: str) -> None:
        self.streams = session.client("dynamodbstreams", region_name=REGION)
        self.sqs = session.client("sqs", region_name=REGION)
        self.stack = stack
        self.functions = functions
        self.stream_arn = stack.attribute(table, "StreamArn")
        self.sources = _stream_sources(stack, self.stream_arn)
        self._positions: dict[str, str] = {}
        self._shard_of: dict[str, str] = {}

    def _new_records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        for shard in shards:
            shard_id = shard["ShardId"]
            position = self._positions.get(shard_id)
            iterator_request: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard_id}
            if position:
                iterator_request |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": position}
            else:
                iterator_request["ShardIteratorType"] = "TRIM_HORIZON"
            iterator = self.streams.get_shard_iterator(**iterator_request)["ShardIterator"]
            shard_records = self.streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
            if shard_records:
                self._positions[shard_id] = shard_records[-1]["dynamodb"]["SequenceNumber"]
            self._shard_of |= {r["dynamodb"]["SequenceNumber"]: shard_id for r in shard_records}
            records.extend(shard_records)
        return records

    def skip_to_end(self) -> None:
        """Move past every record on the stream without delivering it: what a reset deleted is not news."""
        while self._new_records():
            pass

    def start_over(self) -> None:
        """Read the stream from its oldest record again: the handler tests empty it between tests."""
        self._positions.clear()

    def step(self) -> int:
        """Deliver what is new; returns how many records were read."""
        records = self._new_records()
        self._deliver_all([self._as_lambda_record(r) for r in records])
        return len(records)

    def pump(self) -> int:
        """Deliver what is new; returns how many records failed every attempt (sent to the on-failure queue)."""
        return self._deliver_all([self._as_lambda_record(r) for r in self._new_records()])

    def _deliver_all(self, records: list[dict[str, Any]]) -> int:
        dropped = 0
        for logical_id, properties in self.sources:
            patterns = [json.loads(f["Pattern"]) for f in properties.get("FilterCriteria", {}).get("Filters", [])]
            wanted = [r for r in records if not patterns or any(matches(p, r) for p in patterns)]
            batch_size = int(properties.get("BatchSize", 100))
            attempts = int(properties.get("MaximumRetryAttempts", 0)) + 1
            for start in range(0, len(wanted), batch_size):
                failed = self._deliver(logical_id, wanted[start : start + batch_size], attempts)
                if failed:
                    self._send_to_on_failure(logical_id, properties, failed)
                dropped += len(failed)
        return dropped

    def _send_to_on_failure(self, logical_id: str, properties: dict[str, Any], failed: list[dict[str, Any]]) -> None:
        """What Lambda sends to a stream source's on-failure destination: batch metadata, never the records.

        As documented for DynamoDB stream sources ("Retaining records from stream-based event sources",
        AWS Lambda Developer Guide): requestContext, responseContext, version, timestamp and
        DDBStreamBatchInfo (shard, first and last sequence numbers, arrival times, batch size, stream ARN).
        The records themselves stay on the stream (24 hours); the shop re-sends from the table instead.
        """
        destination = properties.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
        if destination is None:
            return
        arn = self.stack.resolver.resolve(destination)
        queue_url = self.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[1])["QueueUrl"]
        first, last = failed[0]["dynamodb"], failed[-1]["dynamodb"]
        body = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{logical_id}",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": int(properties.get("MaximumRetryAttempts", 0)) + 1,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "version": "1.0",
            "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "DDBStreamBatchInfo": {
                "shardId": self._shard_of.get(first["SequenceNumber"], ""),
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _arrival(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _arrival(last.get("ApproximateCreationDateTime")),
                "batchSize": len(failed),
                "streamArn": self.stream_arn,
            },
        }
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))

    def _deliver(self, logical_id: str, batch: list[dict[str, Any]], attempts: int) -> list[dict[str, Any]]:
        """Invoke until the batch succeeds or attempts run out; returns the records that never succeeded."""
        pending = batch
        for _ in range(attempts):
            try:
                response = self.functions.invoke(logical_id, {"Records": pending}) or {}
            except Exception:
                response = {"batchItemFailures": [{"itemIdentifier": r["dynamodb"]["SequenceNumber"]} for r in pending]}
            failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
            if not failed:
                return []
            # Lambda resumes a stream from the first failed record.
            first = next(i for i, r in enumerate(pending) if r["dynamodb"]["SequenceNumber"] in failed)
            pending = pending[first:]
        return pending

    def _as_lambda_record(self, record: dict[str, Any]) -> dict[str, Any]:
        dynamodb = {k: v for k, v in record["dynamodb"].items() if k != "ApproximateCreationDateTime"}
        created = record["dynamodb"].get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())  # epoch seconds, as Lambda sends it
        return {
            "eventID": record.get("eventID", str(uuid.uuid4())),
            "eventName": record["eventName"],
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": REGION,
            "dynamodb": dynamodb,
            "eventSourceARN": self.stream_arn,
        }


def _arrival(epoch_seconds: Any) -> str:
    if not isinstance(epoch_seconds, int | float):
        return ""
    return datetime.fromtimestamp(epoch_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class QueuePump:
    """Receives from an SQS queue and invokes the function its template event names, in batches."""

    def __init__(self, session: boto3.session.Session, stack: Stack, functions: Functions, queue: str) -> None:
        self.sqs = session.client("sqs", region_name=REGION)
        self.functions = functions
        self.queue_url = stack.ref(queue)
        self.queue_arn = stack.attribute(queue, "Arn")
        self.function, self.properties = next(
            (logical_id, event["Properties"])
            for logical_id, spec in stack.template.functions().items()
            for event in spec.events.values()
            if event["Type"] == "SQS" and stack.resolver.resolve(event["Properties"]["Queue"]) == self.queue_arn
        )

    def pump_once(self) -> tuple[int, int]:
        """One receive and invoke; returns (messages handled, messages failed)."""
        batch_size = int(self.properties.get("BatchSize", 10))
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=min(batch_size, 10),
            AttributeNames=["All"],
            VisibilityTimeout=0,
        ).get("Messages", [])
        if not messages:
            return 0, 0
        event = {"Records": [self._as_lambda_record(m) for m in messages]}
        try:
            response = self.functions.invoke(self.function, event) or {}
        except Exception:
            response = {"batchItemFailures": [{"itemIdentifier": m["MessageId"]} for m in messages]}
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages), len(failed)

    def step(self) -> int:
        return self.pump_once()[0]

    def drain(self, max_rounds: int = 10_000) -> int:
        """Pump until the queue is empty (or only failing messages remain); returns messages handled."""
        handled = 0
        for _ in range(max_rounds):
            count, failed = self.pump_once()
            handled += count - failed
            if count in {0, failed}:
                break
        return handled

    def _as_lambda_record(self, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": REGION,
        }
