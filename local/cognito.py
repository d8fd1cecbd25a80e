"""What Amazon Cognito does for the shop's sign-ins that moto 5.2.5 does not, put in front of moto's user pools.

Only what Cognito documents, and only for the admin flows the shop's functions use:

- **Lockout** ("Lockout behavior for failed sign-in attempts", Amazon Cognito Developer Guide,
  https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html#authentication-flow-lockout-behavior):
  after five failed sign-in attempts with a password, the user is locked out for one second, doubling with
  each further failure up to about 15 minutes: 2**(n-5) seconds for n cumulative failures. Attempts during a
  lockout fail with NotAuthorizedException "Password attempts exceeded" and do not lengthen it. The count
  goes back to zero after a successful sign-in once the lockout has expired, or after 15 minutes without
  any attempt. (The guide says nothing of a success before any lockout; we read it as a reset too.)
  moto has no lockout at all: a twelfth wrong password is answered like the first.
- **A refresh token the pool never issued, or one of a deleted user**, is NotAuthorizedException in
  Cognito; moto raises a KeyError or an AttributeError (a 500 from the local stack's embedded AWS).

Time here is the machine's monotonic clock, not the shop's movable clock: the lockout is the user pool's.
Tests replace `lockout.now` to step over a lockout without waiting for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.cognitoidp import models
from moto.cognitoidp.exceptions import NotAuthorizedError, UserNotFoundError

FREE_FAILURES = 5
LONGEST_LOCKOUT_SECONDS = 15 * 60
QUIET_RESET_SECONDS = 15 * 60
LOCKED_OUT_MESSAGE = "Password attempts exceeded"
_PASSWORD_FLOWS = {"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}
_REFRESH_FLOWS = {"REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"}


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0
    last_attempt: float = 0.0


class Lockout:
    """Failed password sign-ins per user, and the lockout they earn, as the developer guide describes."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.now = now
        self._users: dict[tuple[str, str], _Failures] = {}
        self._lock = threading.Lock()

    def before_attempt(self, user: tuple[str, str]) -> None:
        with self._lock:
            failures = self._users.setdefault(user, _Failures())
            now = self.now()
            if failures.count >= FREE_FAILURES and now - failures.last_attempt >= QUIET_RESET_SECONDS:
                failures.count, failures.locked_until = 0, 0.0
            failures.last_attempt = now
            if now < failures.locked_until:
                raise NotAuthorizedError(LOCKED_OUT_MESSAGE)

    def failed(self, user: tuple[str, str]) -> None:
        with self._lock:
            failures = self._users.setdefault(user, _Failures())
            failures.count += 1
            if failures.count >= FREE_FAILURES:
                seconds = min(2 ** (failures.count - FREE_FAILURES), LONGEST_LOCKOUT_SECONDS)
                failures.locked_until = self.now() + seconds

    def succeeded(self, user: tuple[str, str]) -> None:
        with self._lock:
            self._users.pop(user, None)

    def forget(self) -> None:
        """Every count back to zero: the local shop was emptied (python -m local reset)."""
        with self._lock:
            self._users.clear()


lockout = Lockout()
_original = models.CognitoIdpBackend.admin_initiate_auth


def _admin_initiate_auth(
    backend: models.CognitoIdpBackend,
    user_pool_id: str,
    client_id: str,
    auth_flow: str,
    auth_parameters: dict[str, str],
) -> Any:
    if auth_flow in _REFRESH_FLOWS:
        pool = backend.describe_user_pool(user_pool_id)
        token = auth_parameters.get("REFRESH_TOKEN")
        if token not in pool.refresh_tokens:
            raise NotAuthorizedError("Invalid Refresh Token")
        issued = pool.refresh_tokens[token]
        if issued is not None and pool._get_user(issued[1]) is None:
            raise NotAuthorizedError("Refresh Token has been revoked")
    if auth_flow not in _PASSWORD_FLOWS:
        return _original(backend, user_pool_id, client_id, auth_flow, auth_parameters)
    try:
        user = backend.admin_get_user(user_pool_id, auth_parameters.get("USERNAME", ""))
    except UserNotFoundError:
        return _original(backend, user_pool_id, client_id, auth_flow, auth_parameters)
    key = (user_pool_id, user.username)
    lockout.before_attempt(key)
    try:
        result = _original(backend, user_pool_id, client_id, auth_flow, auth_parameters)
    except NotAuthorizedError:
        lockout.failed(key)
        raise
    lockout.succeeded(key)
    return result


def install() -> None:
    """Put the behaviour above in front of every moto user pool in this process (idempotent)."""
    models.CognitoIdpBackend.admin_initiate_auth = _admin_initiate_auth  # type: ignore[method-assign]
