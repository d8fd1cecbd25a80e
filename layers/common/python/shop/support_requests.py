"""Customer support requests (S1): a member asks about one order or their account; staff answer and act.

A member opens a request of a kind (to cancel an order: L8, to report a defect: L10, to delete the account:
M5, or anything else), naming the order where the kind is about one, with a message. Staff see the open
requests oldest first, answer them (the member is emailed each answer), and resolve them through the rules
of what was asked; a request those rules refuse is answered with the reason in words.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shop.clock import iso
from shop.errors import StateConflict, SupportActionRefused
from shop.orders import ERASED, WITHDRAWN_MEMBER
from shop.support import CancellationReason, DefectiveLine
from shop.text import MessageText
from shop.views import OrderDetailView, SupportRequestSummaryView


class RequestKind(StrEnum):
    CANCELLATION = "CANCELLATION"  # L8
    DEFECT = "DEFECT"  # L10
    WITHDRAWAL = "WITHDRAWAL"  # M5
    OTHER = "OTHER"


# About one order: the member names it. About the account: no order. OTHER may name one.
ORDER_KINDS = frozenset({RequestKind.CANCELLATION, RequestKind.DEFECT})
ACCOUNT_KINDS = frozenset({RequestKind.WITHDRAWAL})
KIND_TEXTS = {
    RequestKind.CANCELLATION: "to cancel an order",
    RequestKind.DEFECT: "a defect in a delivered order",
    RequestKind.WITHDRAWAL: "to delete your account",
    RequestKind.OTHER: "your question",
}


class RequestState(StrEnum):
    OPEN = "OPEN"  # waiting for staff
    ANSWERED = "ANSWERED"  # staff answered; the member may write again
    CLOSED = "CLOSED"  # resolved: nothing more is added


class Author(StrEnum):
    MEMBER = "MEMBER"
    STAFF = "STAFF"


class ResolutionAction(StrEnum):
    ORDER_CANCELLED = "ORDER_CANCELLED"  # L8
    REPLACEMENT_SENT = "REPLACEMENT_SENT"  # L10
    ACCOUNT_WITHDRAWN = "ACCOUNT_WITHDRAWN"  # M5


MAX_MESSAGES = 50
REQUEST_PREFIX = "SR-"
# "SR-" and sixteen characters like an order number (O12), in either case as typed.
REQUEST_ID_PATTERN = r"^[Ss][Rr]-[0-9A-Za-z]{4}(-[0-9A-Za-z]{4}){3}$"
Text = Annotated[MessageText, Field(min_length=1, max_length=2000)]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    author: Author
    text: str
    at: datetime


class Resolution(BaseModel):
    """What was done for the request, linked to the order it was done to (or the replacement made)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    action: ResolutionAction
    order_number: str | None = Field(default=None, alias="orderNumber")
    replacement_order_number: str | None = Field(default=None, alias="replacementOrderNumber")
    at: datetime


class SupportRequest(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    request_id: str = Field(alias="requestId")
    member_id: str = Field(alias="memberId")
    email: str
    kind: RequestKind
    order_number: str | None = Field(default=None, alias="orderNumber")
    state: RequestState = RequestState.OPEN
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")
    messages: tuple[Message, ...] = ()
    resolution: Resolution | None = None
    version: int = 0  # every change adds one; a change is written only over the version it read


class NewRequest(BaseModel):
    """POST /support-requests: what the member asks, about which order, in their words."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    kind: RequestKind
    order_number: str | None = Field(default=None, alias="orderNumber", min_length=1, max_length=40)
    message: Text

    @model_validator(mode="after")
    def _order_fits_the_kind(self) -> Self:
        if self.kind in ORDER_KINDS and self.order_number is None:
            raise ValueError(f"a {self.kind.value} request names the order it is about (orderNumber)")
        if self.kind in ACCOUNT_KINDS and self.order_number is not None:
            raise ValueError(f"a {self.kind.value} request is about the account and names no order")
        return self


class MemberMessage(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Text


class StaffAnswer(BaseModel):
    """Staff's answer; `close` ends the request (nothing more to do)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Text
    close: bool = False


class CancellationAction(BaseModel):
    """L8 for a CANCELLATION request: the reason code, a note for the order, words for the member."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: CancellationReason = CancellationReason.CUSTOMER_REQUEST
    note: str | None = Field(default=None, max_length=500)
    message: Text | None = None


class ReplacementAction(BaseModel):
    """L10 for a DEFECT request: the defective lines (all by default), what is wrong, words for the member."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    lines: list[DefectiveLine] | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, min_length=1, max_length=1000)
    message: Text | None = None


class WithdrawalAction(BaseModel):
    """M5 for a WITHDRAWAL request: words for the member, if any."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    message: Text | None = None


def opened(
    request_id: str, member_id: str, email: str, asked: NewRequest, now: datetime, *, order_number: str | None
) -> SupportRequest:
    """S1: a new request, waiting for staff, with the member's first message."""
    return SupportRequest(
        request_id=request_id,
        member_id=member_id,
        email=email,
        kind=asked.kind,
        order_number=order_number,
        created_at=now,
        updated_at=now,
        messages=(Message(author=Author.MEMBER, text=asked.message, at=now),),
    )


def with_member_message(request: SupportRequest, text: str, now: datetime) -> SupportRequest:
    """S1: the member writes again; the request waits for staff again."""
    return _added(request, Message(author=Author.MEMBER, text=text, at=now), RequestState.OPEN)


def answered(request: SupportRequest, text: str, now: datetime, *, close: bool = False) -> SupportRequest:
    """S1: staff answer (the member is emailed); closing it says there is nothing more to do."""
    state = RequestState.CLOSED if close else RequestState.ANSWERED
    return _added(request, Message(author=Author.STAFF, text=text, at=now), state)


def check_action(request: SupportRequest, kind: RequestKind) -> str:
    """S1: an action answers the request that asked for it, while it is not closed; returns its order number."""
    _check_not_closed(request)
    if request.kind is not kind or (kind in ORDER_KINDS and request.order_number is None):
        raise SupportActionRefused(
            f"Support request {request.request_id} is a {request.kind.value} request; it cannot be resolved by "
            f"a {kind.value.lower()} action.",
            requestId=request.request_id,
            kind=request.kind.value,
        )
    return request.order_number or ""


def resolved(request: SupportRequest, resolution: Resolution, words: str | None, now: datetime) -> SupportRequest:
    """S1: what was done closes the request, linked to it, and the member is told in words."""
    done = {
        ResolutionAction.ORDER_CANCELLED: f"Order {resolution.order_number} has been cancelled.",
        ResolutionAction.REPLACEMENT_SENT: (
            f"A replacement for order {resolution.order_number} goes out at no charge: "
            f"order {resolution.replacement_order_number}."
        ),
        ResolutionAction.ACCOUNT_WITHDRAWN: "Your account has been deleted and your personal data erased.",
    }[resolution.action]
    closed = answered(request, _joined(done, words), now, close=True)
    return closed.model_copy(update={"resolution": resolution})


def refused(request: SupportRequest, reason: str, words: str | None, now: datetime) -> SupportRequest:
    """S1: the rules refuse what was asked; the member is answered with the reason in words."""
    return answered(request, _joined(f"We could not do what you asked. {reason}", words), now)


def erased(request: SupportRequest, now: datetime) -> SupportRequest:
    """M5: kept for the shop's records, closed, with nothing that names or quotes the person."""
    return request.model_copy(
        update={
            "member_id": WITHDRAWN_MEMBER,
            "email": ERASED,
            "state": RequestState.CLOSED,
            "updated_at": now,
            "messages": tuple(message.model_copy(update={"text": ERASED}) for message in request.messages),
        }
    )


def _joined(done: str, words: str | None) -> str:
    return f"{done}\n\n{words}" if words else done


def _check_not_closed(request: SupportRequest) -> None:
    if request.state is RequestState.CLOSED:
        raise StateConflict(
            f"Support request {request.request_id} is closed; open a new request to ask again.",
            requestId=request.request_id,
            currentState=request.state.value,
        )


def _added(request: SupportRequest, message: Message, state: RequestState) -> SupportRequest:
    _check_not_closed(request)
    if len(request.messages) >= MAX_MESSAGES:
        raise StateConflict(
            f"Support request {request.request_id} holds {MAX_MESSAGES} messages, the most one request holds; "
            "open a new request to go on.",
            requestId=request.request_id,
            currentState=request.state.value,
        )
    return request.model_copy(
        update={"messages": (*request.messages, message), "state": state, "updated_at": message.at}
    )


# ---------------------------------------------------------------- what the API answers


class _View(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class MessageView(_View):
    author: Author
    text: str
    at: str


class ResolutionView(_View):
    action: ResolutionAction
    order_number: str | None = Field(default=None, alias="orderNumber")
    replacement_order_number: str | None = Field(default=None, alias="replacementOrderNumber")
    at: str


class SupportRequestView(_View):
    """A request with every message, oldest first, and what was done for it."""

    request_id: str = Field(alias="requestId")
    kind: RequestKind
    state: RequestState
    order_number: str | None = Field(default=None, alias="orderNumber")
    created_at: str = Field(alias="createdAt")
    updated_at: str = Field(alias="updatedAt")
    messages: list[MessageView]
    resolution: ResolutionView | None = None

    @classmethod
    def of(cls, request: SupportRequest) -> SupportRequestView:
        resolution = request.resolution
        return cls(
            request_id=request.request_id,
            kind=request.kind,
            state=request.state,
            order_number=request.order_number,
            created_at=iso(request.created_at),
            updated_at=iso(request.updated_at),
            messages=[MessageView(author=m.author, text=m.text, at=iso(m.at)) for m in request.messages],
            resolution=ResolutionView(
                action=resolution.action,
                order_number=resolution.order_number,
                replacement_order_number=resolution.replacement_order_number,
                at=iso(resolution.at),
            )
            if resolution
            else None,
        )


class StaffRequestView(SupportRequestView):
    """Staff's view: who asked, and the order's state and history (emails and other requests) beside it."""

    member_id: str = Field(alias="memberId")
    email: str
    order: OrderDetailView | None = None

    @classmethod
    def with_order(cls, request: SupportRequest, order: OrderDetailView | None) -> StaffRequestView:
        view = SupportRequestView.of(request).model_dump(by_alias=True)
        return cls.model_validate(view | {"memberId": request.member_id, "email": request.email, "order": order})


def summary(request: SupportRequest) -> SupportRequestSummaryView:
    return SupportRequestSummaryView(
        request_id=request.request_id,
        kind=request.kind.value,
        state=request.state.value,
        order_number=request.order_number,
        created_at=iso(request.created_at),
        updated_at=iso(request.updated_at),
        message_count=len(request.messages),
    )


class SupportRequestPage(_View):
    requests: list[SupportRequestSummaryView]
    next_cursor: str | None = Field(default=None, alias="nextCursor")
