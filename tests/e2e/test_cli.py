"""The CLI against a running shop: what the shop refuses is one line on stderr and exit status 2."""

from __future__ import annotations

import pytest

from local.__main__ import main
from local.client import ShopClient
from local.seed import STAFF_EMAIL, STAFF_PASSWORD


def refusal(capsys: pytest.CaptureFixture[str], *arguments: str) -> str:
    """Run the CLI; assert it refused in one line with status 2, and return that line."""
    status = main(list(arguments))
    said = capsys.readouterr()
    assert status == 2
    assert said.out == ""
    assert len(said.err.splitlines()) == 1, said.err
    return said.err.strip()


def test_a_token_for_the_right_password_is_printed(local_shop: ShopClient, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--url", local_shop.url, "token", STAFF_EMAIL, STAFF_PASSWORD])

    assert status == 0
    assert capsys.readouterr().out.count(".") == 2  # a JWT: header.claims.signature


def test_a_wrong_password_is_one_line(local_shop: ShopClient, capsys: pytest.CaptureFixture[str]) -> None:
    said = refusal(capsys, "--url", local_shop.url, "token", STAFF_EMAIL, "Wrong#Password1")

    assert said == f"error: sign-in refused for {STAFF_EMAIL}: wrong email or password"


def test_an_unknown_member_is_told_as_the_user_pool_tells_it(
    local_shop: ShopClient, capsys: pytest.CaptureFixture[str]
) -> None:
    # the app client prevents user-existence errors: an unknown email reads as a wrong password
    said = refusal(capsys, "--url", local_shop.url, "token", "nobody@example.com", "Figure#2027a")

    assert said == "error: sign-in refused for nobody@example.com: wrong email or password"


def test_a_bad_duration_is_one_line_and_leaves_the_clock_alone(
    local_shop: ShopClient, capsys: pytest.CaptureFixture[str]
) -> None:
    before = local_shop.control("GET", "/_local/config")["clockOffsetSeconds"]

    said = refusal(capsys, "--url", local_shop.url, "clock", "advance", "a week")

    assert said.startswith("error: not a duration: 'a week'")
    assert local_shop.control("GET", "/_local/config")["clockOffsetSeconds"] == before
