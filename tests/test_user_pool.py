"""M8: no way around the shop's API sets a password, read from template.yaml where moto cannot tell.

moto 5.2.5 does not enforce an app client's ExplicitAuthFlows or its secret on public flows, nor a pool's
AccountRecoverySetting: a public USER_PASSWORD_AUTH sign-in and ForgotPassword/ConfirmForgotPassword (any
code, any password) work against it whatever the template says. So these tests read the template, and the
flows the shop's own code starts, instead of asking moto.
"""

from __future__ import annotations

import re
from pathlib import Path

from local.template import ROOT, load

TEMPLATE = load()
COGNITO_ADAPTER = ROOT / "layers" / "common" / "python" / "shop_aws" / "cognito.py"


def _client() -> dict:
    (client,) = TEMPLATE.of_type("AWS::Cognito::UserPoolClient").values()
    return dict(client["Properties"])


def _pool() -> dict:
    (pool,) = TEMPLATE.of_type("AWS::Cognito::UserPool").values()
    return dict(pool["Properties"])


def _flows_started_by(source: Path) -> set[str]:
    return set(re.findall(r'AuthFlow="([A-Z_]+)"', source.read_text(encoding="utf-8")))


def test_the_app_client_allows_exactly_the_flows_the_shops_functions_start() -> None:
    # rule M8
    started = _flows_started_by(COGNITO_ADAPTER)

    allowed = set(_client()["ExplicitAuthFlows"])

    assert started == {"ADMIN_USER_PASSWORD_AUTH", "REFRESH_TOKEN_AUTH"}
    assert allowed == {f"ALLOW_{flow}" for flow in started}


def test_no_public_sign_in_flow_is_allowed() -> None:
    # rule M8: a public flow would hand a client the access token the pool's ChangePassword takes
    allowed = set(_client()["ExplicitAuthFlows"])

    assert not allowed & {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_AUTH"}


def test_the_app_client_has_a_secret_so_only_the_shop_can_refresh_or_start_a_flow() -> None:
    # rule M8: without the secret, a refresh token cannot be turned into an access token outside the shop
    assert _client()["GenerateSecret"] is True


def test_the_pools_own_password_recovery_is_closed() -> None:
    # rule M8: ForgotPassword/ConfirmForgotPassword would accept a password M2 refuses, by the pool's email
    mechanisms = _pool()["AccountRecoverySetting"]["RecoveryMechanisms"]

    assert [mechanism["Name"] for mechanism in mechanisms] == ["admin_only"]


def test_the_pool_sends_no_email_of_its_own() -> None:
    # every email leaves through the shop's outbox, with the shop's templates
    pool = _pool()

    assert "AutoVerifiedAttributes" not in pool
    assert "EmailConfiguration" not in pool
    assert 'MessageAction="SUPPRESS"' in COGNITO_ADAPTER.read_text(encoding="utf-8")


def test_only_signup_and_the_password_routes_may_set_a_password() -> None:
    # rule M8: the functions whose routes apply M2 first (tests/handlers: test_signup, test_password_change,
    # test_password_reset); no other function is allowed to call the pool's AdminSetUserPassword
    setters = {
        name
        for name, resource in TEMPLATE.of_type("AWS::Serverless::Function").items()
        if "cognito-idp:AdminSetUserPassword" in str(resource["Properties"].get("Policies", ""))
    }

    assert setters == {"SignupFunction", "PasswordsFunction"}
