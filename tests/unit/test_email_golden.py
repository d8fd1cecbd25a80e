"""Every kind of email as the member gets it, text and HTML, against its golden file (issue 14).

A change of wording or layout shows up as a diff of tests/unit/golden_emails/ in review. When the change is
meant, write the files anew and read the diff:
`PYTHONPATH=layers/common/python:. .venv/bin/python -m tests.unit.test_email_golden`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shop import emails
from shop.catalogue import ProductKind
from shop.email_rendering import render
from tests.support.builders import order, order_line

GOLDEN = Path(__file__).with_name("golden_emails")
FRONT_END = "https://shop.example.com"
NUMBER = "01JD-3M5K-7QXZ-4T2A"
DEADLINE = datetime(2027, 6, 28, 9, 30, tzinfo=UTC)


def every_email() -> dict[str, emails.Email]:
    """One email of every kind (and both kinds of order confirmation), named after its golden file."""
    preorder = order(
        order_number=NUMBER,
        email="alex@example.com",
        lines=[
            order_line("miku-2027", name="Snow Miku 2027 1/7 Scale", unit_price_cents=18_900, release_date="2027-06")
        ],
    )
    in_stock = order(
        order_number="01JD-3M5K-7QXZ-5B3C",
        email="alex@example.com",
        kind=ProductKind.IN_STOCK,
        lines=[
            order_line(
                "saber-nendo", name="Nendoroid Saber", unit_price_cents=5_500, quantity=2, release_date="2026-11"
            ),
            order_line("rin-nendo", name="Nendoroid Rin Tohsaka", unit_price_cents=5_300, release_date="2026-10"),
        ],
    )
    replacement = preorder.model_copy(
        update={"order_number": "01JD-3M5K-7QXZ-9999", "replacement_of": NUMBER, "support_ticket": "CS-1042"}
    )
    return {
        "welcome": emails.welcome("alex@example.com", "Alex"),
        "order_confirmation": emails.order_confirmation(preorder),
        "order_confirmation_in_stock": emails.order_confirmation(in_stock),
        "shipping_date_confirmed": emails.shipping_date_confirmed(preorder, "2027-06-20"),
        "payment_failed": emails.payment_failed(
            preorder.model_copy(update={"payment_failure_reason": "card_declined"}), DEADLINE
        ),
        "resettlement_reminder": emails.resettlement_reminder(preorder, DEADLINE),
        "order_cancelled": emails.order_cancelled(preorder, "the payment was not re-settled in time"),
        "shipping_date_changed": emails.shipping_date_changed(preorder, "2027-06-20", "2027-07-04"),
        "release_date_changed": emails.release_date_changed(preorder, "Snow Miku 2027 1/7", "2027-06", "2027-09"),
        "order_shipped": emails.order_shipped(in_stock, "DHL", "JD014600003828"),
        "replacement_shipment": emails.replacement_shipment(replacement),
        "address_changed": emails.address_changed(preorder),
        "payment_method_changed": emails.payment_method_changed(preorder),
        "account_withdrawn": emails.account_withdrawn("alex@example.com", "Alex"),
        "support_answer": emails.support_answer(
            "alex@example.com", "SR-01JD-3M5K-7QXZ-9Z9Z", "to cancel an order", NUMBER, f"Order {NUMBER} is cancelled."
        ),
        "email_verification": emails.email_verification(
            "alex@example.com", "Alex", f"{FRONT_END}/verify-email?token=x7Qm2ZpL9vRk", DEADLINE
        ),
        "password_reset": emails.password_reset(
            "alex@example.com", "7K4M-Q2XD", f"{FRONT_END}/reset-password?code=7K4M-Q2XD", DEADLINE
        ),
        "password_changed": emails.password_changed(
            "alex@example.com", reset=False, at=DEADLINE, reset_link=f"{FRONT_END}/reset-password"
        ),
    }


def as_files(email: emails.Email) -> dict[str, str]:
    rendered = render(email, FRONT_END)
    return {"txt": f"Subject: {rendered.subject}\n\n{rendered.text}", "html": rendered.html}


def test_every_kind_of_email_has_a_golden_file() -> None:
    kinds = {email.kind for email in every_email().values()}

    assert kinds == set(emails_kinds())


def emails_kinds() -> list[str]:
    """Every kind the templates know (one .txt and one .html each)."""
    folder = Path(emails.__file__).with_name("email_templates")
    return sorted(path.stem for path in folder.glob("*.txt") if not path.stem.startswith(("_", "base")))


@pytest.mark.parametrize("name", sorted(every_email()))
@pytest.mark.parametrize("part", ["txt", "html"])
def test_the_email_is_as_its_golden_file(name: str, part: str) -> None:
    golden = GOLDEN / f"{name}.{part}"

    assert as_files(every_email()[name])[part] == golden.read_text(encoding="utf-8")


MARKUP = '<i class="injected">&"'


def with_markup(value: Any) -> Any:
    """Every text the email shows, with markup added: names, addresses, reasons, answers, product names."""
    if isinstance(value, str):
        return value + MARKUP
    if isinstance(value, list):
        return [with_markup(item) for item in value]
    if isinstance(value, dict):
        return {key: with_markup(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize("name", sorted(every_email()))
def test_no_text_from_a_member_reaches_the_html_unescaped(name: str) -> None:
    # given every value the email shows ending in markup (a member's name, address or message can)
    email = every_email()[name]
    hostile = replace(email, values=with_markup(email.values))

    # when
    html = render(hostile, FRONT_END).html

    # then the markup is text, not an element
    assert '<i class="injected">' not in html
    assert "&lt;i class=" in html


def write_golden_files() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, email in every_email().items():
        for part, content in as_files(email).items():
            (GOLDEN / f"{name}.{part}").write_text(content, encoding="utf-8")


if __name__ == "__main__":
    write_golden_files()
