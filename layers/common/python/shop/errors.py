"""Why the shop refuses something. Each error knows the HTTP status an API answers it with."""

from __future__ import annotations

from typing import Any


class ShopError(Exception):
    """A refusal a member or staff can act on: a message for people and a code for programs."""

    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides the body (Retry-After, say)."""
        return {}


class InvalidInput(ShopError):
    status = 400
    code = "INVALID_INPUT"


class PasswordRejected(ShopError):
    status = 400
    code = "PASSWORD_REJECTED"


class Forbidden(ShopError):
    status = 403
    code = "FORBIDDEN"


class NotFound(ShopError):
    status = 404
    code = "NOT_FOUND"


class Conflict(ShopError):
    status = 409
    code = "CONFLICT"


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"


class DeadlinePassed(Conflict):
    code = "DEADLINE_PASSED"


class CheckoutRefused(ShopError):
    """The cart breaks a checkout rule (O1, O2, O6, O7): 422, the request was understood."""

    status = 422
    code = "CHECKOUT_REFUSED"


class SoldOut(CheckoutRefused):
    """Another checkout took the last units between reading the catalogue and writing: same answer as a
    cart that asked for more than the stock, so a member sees one kind of "sold out"."""


class CartRefused(ShopError):
    """C3: a cart line no checkout could take as asked (over the limit, a closed pre-order, a full cart)."""

    status = 422
    code = "CART_REFUSED"


class CartChanged(Conflict):
    """C3: the cart changed on another device between reading it and writing; read it again."""

    code = "CART_CHANGED"


class Unauthorized(ShopError):
    status = 401
    code = "UNAUTHORIZED"


class ProductRefused(ShopError):
    """Staff's changes would make a product the catalogue rules (C1) do not allow."""

    status = 422
    code = "INVALID_PRODUCT"


class StateConflict(Conflict):
    """A change the order's current state no longer (or not yet) allows; the body names the state."""

    code = "STATE_CONFLICT"


class UnshippedOrders(Conflict):
    """M5: withdrawal waits until every order is shipped or cancelled; the body lists them."""

    code = "UNSHIPPED_ORDERS"


class DefectAlreadyRecorded(Conflict):
    """L10: this support ticket already has its replacement; a retried request creates no second one."""

    code = "DEFECT_ALREADY_RECORDED"


class AccountWithdrawn(ShopError):
    """M5: the member withdrew; a token issued before still reaches the API until it expires."""

    status = 403
    code = "ACCOUNT_WITHDRAWN"


class AddressRefused(ShopError):
    """A new shipping address breaks a destination rule (O1, O2)."""

    status = 422
    code = "ADDRESS_REFUSED"


class CancellationRefused(ShopError):
    """L8/C2: a reason support may not cancel for."""

    status = 422
    code = "CANCELLATION_REFUSED"


class ImportRefused(ShopError):
    """L11: an old-shop order that cannot be brought over as given."""

    status = 422
    code = "IMPORT_REFUSED"


class SupportActionRefused(ShopError):
    """S1: an action that does not answer what the support request asked (a cancellation for a DEFECT)."""

    status = 422
    code = "SUPPORT_ACTION_REFUSED"


class PayloadTooLarge(ShopError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaType(ShopError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class EmailNotVerified(ShopError):
    """M7: the member has not yet followed the link sent to their address; checkout waits for it."""

    status = 403
    code = "EMAIL_NOT_VERIFIED"


class EmailAlreadyVerified(Conflict):
    """M7: a new verification link for an address verified already."""

    code = "EMAIL_ALREADY_VERIFIED"


class VerificationLinkInvalid(ShopError):
    """M7: no link was ever sent with this token (mistyped, cut short or altered)."""

    status = 400
    code = "VERIFICATION_LINK_INVALID"


class VerificationLinkUsed(Conflict):
    """M7: each link verifies once."""

    code = "VERIFICATION_LINK_USED"


class VerificationLinkExpired(ShopError):
    """M7: the link is past its validity; a new one can be asked for."""

    status = 410
    code = "VERIFICATION_LINK_EXPIRED"


class InvalidCredentials(Unauthorized):
    """Sign-in refused: a wrong password and an unknown address get this same answer."""

    code = "INVALID_CREDENTIALS"


class SessionExpired(Unauthorized):
    """A refresh token that no longer works: signed out, expired, or the account is gone."""

    code = "SESSION_EXPIRED"


class CurrentPasswordWrong(ShopError):
    """M8: a password change repeats the current password, and it was not right."""

    status = 403
    code = "CURRENT_PASSWORD_WRONG"


class ResetCodeWrong(ShopError):
    """M8: not the code sent; the answer says how many tries are left."""

    status = 400
    code = "RESET_CODE_WRONG"


class ResetCodeInvalid(ShopError):
    """M8: no code can be used: none was sent, it was used, it expired, or it was tried too often."""

    status = 400
    code = "RESET_CODE_INVALID"


class TooManyRequests(ShopError):
    """Asked too often; Retry-After says when to ask again."""

    status = 429
    code = "TOO_MANY_REQUESTS"

    def __init__(self, message: str, *, retry_after_seconds: int, **details: Any) -> None:
        super().__init__(message, retryAfterSeconds=retry_after_seconds, **details)
        self.retry_after_seconds = retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class SignInLocked(TooManyRequests):
    """The user pool locks an account out for a while after repeated wrong passwords."""

    code = "SIGN_IN_LOCKED"


class PaymentMethodRefused(ShopError):
    """P1, O13: the payment method is not the member's saved card, or cannot be charged without them."""

    status = 422
    code = "PAYMENT_METHOD_REFUSED"


class ProcessorUnavailable(ShopError):
    """P3: the payment processor is down, slow or busy; nothing was decided, the request can be retried."""

    status = 503
    code = "PAYMENT_PROCESSOR_UNAVAILABLE"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": "5"}


class NotificationRefused(ShopError):
    """P4: a notification without a valid, recent signature of the processor; it changes nothing."""

    status = 400
    code = "NOTIFICATION_REFUSED"
