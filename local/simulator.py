"""The local mailbox simulator: SES's test addresses bounce and complain locally too (rule E1).

SES's mailbox simulator (SES Developer Guide, "Using the mailbox simulator") answers mail to
bounce@simulator.amazonses.com with a hard bounce and to complaint@simulator.amazonses.com with a
complaint, also with a label (bounce+alice@simulator.amazonses.com); with a configuration set, SES then
publishes a Bounce or Complaint event to its destination. Locally, every email the shop sends to those
addresses gets that event, as SNS hands it to the function subscribed to the configuration set's topic.
The same addresses work on a real stack, even in the SES sandbox.

moto keeps neither the configuration set nor the tags of a sent email, so the event's `mail.tags` are
read back from the outbox entry the email was sent from (what the shop sent as tags: kind and order).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from moto.ses.models import ses_backends

from local.lambdas import Functions
from local.provision import ACCOUNT, REGION, Stack
from shop.email_rendering import render
from shop_aws.dynamodb.items import from_attributes
from shop_aws.dynamodb.outbox import email_of

SIMULATOR = re.compile(r"^(?P<outcome>bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$", re.IGNORECASE)


def _subscriber(stack: Stack) -> tuple[str, str] | None:
    """The function subscribed to the topic the configuration set publishes bounces to, and that topic."""
    for destination in stack.template.of_type("AWS::SES::ConfigurationSetEventDestination").values():
        topic = destination["Properties"]["EventDestination"].get("SnsDestination", {}).get("TopicARN", {}).get("Ref")
        for logical_id, spec in stack.template.functions().items():
            for event in spec.events.values():
                if event["Type"] == "SNS" and event["Properties"]["Topic"] == {"Ref": topic}:
                    return logical_id, stack.ref(topic)
    return None


def _subject_of(entry: dict[str, Any]) -> str:
    """The subject the email of an outbox entry was sent with: rendered from its values, as the dispatcher does
    (an entry of the previous release holds its subject as written)."""
    if "values" not in entry:
        return str(entry.get("subject", ""))
    return render(email_of(entry), "").subject


class MailboxSimulator:
    """After each email the shop sends to a simulator address, the event SES would publish for it."""

    def __init__(self, session: boto3.session.Session, stack: Stack, functions: Functions) -> None:
        self.dynamodb = session.client("dynamodb", region_name=REGION)
        self.table = stack.ref("ShopTable")
        self.functions = functions
        self.configuration_set = stack.ref("EmailConfigurationSet")
        self.subscriber = _subscriber(stack)
        self._seen = 0

    def skip_to_end(self) -> None:
        self._seen = len(ses_backends[ACCOUNT][REGION].sent_messages)

    def step(self) -> int:
        sent = ses_backends[ACCOUNT][REGION].sent_messages
        if len(sent) < self._seen:  # the mailbox was emptied (python -m local reset)
            self._seen = 0
        new = sent[self._seen :]
        self._seen += len(new)
        if self.subscriber is None:
            return 0
        answered = 0
        for message in new:
            for address in getattr(message, "destinations", {}).get("ToAddresses", []):
                found = SIMULATOR.match(address)
                if found:
                    function, topic = self.subscriber
                    self.functions.invoke(
                        function, self._sns_event(topic, self._ses_event(found["outcome"], address, message))
                    )
                    answered += 1
        return answered

    def _tags(self, address: str, subject: str) -> dict[str, list[str]]:
        tags = {"ses:configuration-set": [self.configuration_set]}
        pages = self.dynamodb.get_paginator("scan").paginate(
            TableName=self.table,
            FilterExpression="#to = :to AND emailKind <> :none",
            ExpressionAttributeNames={"#to": "to"},
            ExpressionAttributeValues={":to": {"S": address}, ":none": {"S": ""}},
        )
        entries = [
            entry
            for entry in (from_attributes(item) for page in pages for item in page["Items"])
            if _subject_of(entry) == subject
        ]
        if entries:
            tags["kind"] = [str(entries[-1]["emailKind"])]
            if entries[-1].get("orderNumber"):
                tags["order"] = [str(entries[-1]["orderNumber"])]
        return tags

    def _ses_event(self, outcome: str, address: str, message: Any) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        mail = {
            "timestamp": now,
            "source": message.source,
            "sendingAccountId": ACCOUNT,
            "messageId": message.id,
            "destination": [address],
            "tags": self._tags(address, message.subject),
        }
        if outcome.lower() == "bounce":
            return {
                "eventType": "Bounce",
                "bounce": {
                    "bounceType": "Permanent",
                    "bounceSubType": "General",
                    "bouncedRecipients": [
                        {
                            "emailAddress": address,
                            "action": "failed",
                            "status": "5.1.1",
                            "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                        }
                    ],
                    "timestamp": now,
                    "feedbackId": str(uuid.uuid4()),
                },
                "mail": mail,
            }
        return {
            "eventType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": address}],
                "timestamp": now,
                "feedbackId": str(uuid.uuid4()),
                "complaintFeedbackType": "abuse",
            },
            "mail": mail,
        }

    @staticmethod
    def _sns_event(topic_arn: str, message: dict[str, Any]) -> dict[str, Any]:
        """An SNS notification as Lambda hands it to a subscribed function (Lambda Developer Guide, SNS)."""
        return {
            "Records": [
                {
                    "EventSource": "aws:sns",
                    "EventVersion": "1.0",
                    "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                    "Sns": {
                        "Type": "Notification",
                        "MessageId": str(uuid.uuid4()),
                        "TopicArn": topic_arn,
                        "Subject": None,
                        "Message": json.dumps(message),
                        "Timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                        "SignatureVersion": "1",
                        "Signature": "local",
                        "SigningCertUrl": "https://sns.us-east-1.amazonaws.com/local.pem",
                        "UnsubscribeUrl": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
                        "MessageAttributes": {},
                    },
                }
            ]
        }
