"""Sign-in through the shop's API: POST /sessions, POST /sessions/refresh, DELETE /sessions, against the user
pool template.yaml declares (moto, with Cognito's documented lockout put in front of it by local.cognito)."""

from __future__ import annotations

import jwt
import pytest
from botocore.exceptions import ClientError

from local import cognito as pool_behaviour
from tests.support.accounts import sign_in
from tests.support.orders import PASSWORD, signed_up
from tests.support.shop import Member, Shop


@pytest.fixture
def member(shop: Shop) -> Member:
    return signed_up(shop, "yuki@example.com", name="Yuki Tanaka")


class StoppedClock:
    """The user pool's own time, stopped, so a test steps over a lockout instead of waiting for it."""

    def __init__(self) -> None:
        self.seconds = 1_000_000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def pool_time(monkeypatch: pytest.MonkeyPatch) -> StoppedClock:
    clock = StoppedClock()
    monkeypatch.setattr(pool_behaviour.lockout, "now", clock)
    return clock


def refresh(shop: Shop, member_id: str, refresh_token: str):
    return shop.call("POST", "/sessions/refresh", {"memberId": member_id, "refreshToken": refresh_token})


def test_a_member_signs_in_with_email_and_password_and_gets_an_id_token_and_a_refresh_token(
    shop: Shop, member: Member
) -> None:
    # rule M3: the address is the sign-in name, whatever its case
    answer = sign_in(shop, "Yuki@Example.com", PASSWORD)

    assert answer.status == 201
    assert answer.body["memberId"] == member.member_id
    claims = jwt.decode(answer.body["idToken"], options={"verify_signature": False})
    assert (claims["sub"], claims["token_use"], claims["email"]) == (member.member_id, "id", "yuki@example.com")
    assert answer.body["refreshToken"]
    assert answer.body["expiresIn"] == 3600
    assert answer.body["expiresAt"] == "2026-12-01T10:00:00.000Z"


def test_no_access_token_is_ever_handed_out(shop: Shop, member: Member) -> None:
    # rule M8: the pool's access token is what its ChangePassword takes
    answer = sign_in(shop, member.email, PASSWORD)

    assert set(answer.body) == {"memberId", "idToken", "refreshToken", "expiresIn", "expiresAt"}


def test_a_wrong_password_and_an_unknown_address_get_the_same_401(shop: Shop, member: Member) -> None:
    wrong_password = sign_in(shop, member.email, "Figure#2027b")
    unknown_address = sign_in(shop, "nobody@example.com", PASSWORD)
    not_an_address = sign_in(shop, "nobody", PASSWORD)

    assert wrong_password.status == unknown_address.status == not_an_address.status == 401
    assert wrong_password.body == unknown_address.body == not_an_address.body
    assert wrong_password.body["code"] == "INVALID_CREDENTIALS"


def test_after_five_wrong_passwords_the_pools_lockout_is_a_429_with_retry_after(
    shop: Shop, member: Member, pool_time: StoppedClock
) -> None:
    # given five wrong passwords, each a 401
    assert [sign_in(shop, member.email, f"Wrong#Pass{n}").status for n in range(5)] == [401] * 5

    # when the right password comes during the lockout
    answer = sign_in(shop, member.email, PASSWORD)

    # then
    assert answer.status == 429
    assert answer.body["code"] == "SIGN_IN_LOCKED"
    assert answer.headers["Retry-After"] == ["60"]
    assert answer.body["retryAfterSeconds"] == 60


def test_once_the_lockout_has_passed_the_right_password_signs_in(
    shop: Shop, member: Member, pool_time: StoppedClock
) -> None:
    for n in range(5):
        sign_in(shop, member.email, f"Wrong#Pass{n}")

    pool_time.seconds += 1  # the first lockout lasts one second

    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_four_wrong_passwords_do_not_lock_the_account(shop: Shop, member: Member, pool_time: StoppedClock) -> None:
    for n in range(4):
        sign_in(shop, member.email, f"Wrong#Pass{n}")

    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_a_refresh_token_gives_a_new_id_token(shop: Shop, member: Member) -> None:
    session = sign_in(shop, member.email, PASSWORD).body

    answer = refresh(shop, session["memberId"], session["refreshToken"])

    assert answer.status == 200
    claims = jwt.decode(answer.body["idToken"], options={"verify_signature": False})
    assert claims["sub"] == member.member_id
    assert answer.body["refreshToken"] is None


def test_a_refresh_token_the_pool_never_issued_is_a_401(shop: Shop, member: Member) -> None:
    answer = refresh(shop, member.member_id, "not-a-refresh-token")

    assert (answer.status, answer.body["code"]) == (401, "SESSION_EXPIRED")


def test_signing_out_everywhere_ends_every_session(shop: Shop, member: Member) -> None:
    # given two devices signed in
    phone = sign_in(shop, member.email, PASSWORD).body
    laptop = sign_in(shop, member.email, PASSWORD).body

    # when
    answer = shop.call("DELETE", "/sessions", member=member)

    # then
    assert (answer.status, answer.body["status"]) == (200, "SIGNED_OUT")
    assert refresh(shop, member.member_id, phone["refreshToken"]).status == 401
    assert refresh(shop, member.member_id, laptop["refreshToken"]).status == 401
    assert sign_in(shop, member.email, PASSWORD).status == 201


def test_signing_out_needs_a_signed_in_member(shop: Shop) -> None:
    # rule M1
    assert shop.call("DELETE", "/sessions").status == 401


def test_a_withdrawn_members_session_is_refused(shop: Shop, member: Member) -> None:
    # rule M5: the sign-in is deleted, so its refresh token renews nothing
    session = sign_in(shop, member.email, PASSWORD).body
    assert shop.call("DELETE", "/account", member=member).status == 200

    answer = refresh(shop, member.member_id, session["refreshToken"])

    assert (answer.status, answer.body["code"]) == (401, "SESSION_EXPIRED")


def test_the_pools_change_password_refuses_every_token_a_member_holds(shop: Shop, member: Member) -> None:
    # rule M8: no way around the shop's API may set a password that breaks M2. moto checks that ChangePassword
    # gets an access token it issued; it does not check the app client's flows or secret, which
    # tests/test_user_pool.py reads from the template.
    session = sign_in(shop, member.email, PASSWORD).body
    cognito = shop.session.client("cognito-idp")

    for token in (session["idToken"], session["refreshToken"]):
        with pytest.raises(ClientError) as refused:
            cognito.change_password(PreviousPassword=PASSWORD, ProposedPassword="NoSymbol1234", AccessToken=token)
        assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"

    assert sign_in(shop, member.email, PASSWORD).status == 201
    assert sign_in(shop, member.email, "NoSymbol1234").status == 401
