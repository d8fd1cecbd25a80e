"""The emails the shop sends (M6, O10, L1, L4, L6): subject, text and HTML of each kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from shop import emails
from shop.checkout import SUCCESS_MESSAGE
from shop.email_rendering import render
from shop.orders import Order
from tests.support.builders import order, order_line

NUMBER = "01JD-3M5K-7QXZ-4T2A"
FRONT_END = "https://shop.example.com"


@dataclass(frozen=True)
class Sent:
    """An email as the member gets it: what the deciding function wrote, rendered as the dispatcher does."""

    email: emails.Email
    subject: str
    text: str
    html: str

    @property
    def kind(self) -> str:
        return self.email.kind

    @property
    def to(self) -> str:
        return self.email.to

    @property
    def order_number(self) -> str | None:
        return self.email.order_number


class _Rendering:
    """mail.welcome(...) is emails.welcome(...) rendered."""

    def __getattr__(self, name: str) -> Callable[..., Sent]:
        decide = getattr(emails, name)

        def sent(*args: Any, **kwargs: Any) -> Sent:
            email = decide(*args, **kwargs)
            rendered = render(email, FRONT_END)
            return Sent(email, rendered.subject, rendered.text, rendered.html)

        return sent


mail = _Rendering()
# Any $placeholder a template forgot to fill (money is "$1,234.05", which this does not match).
UNFILLED = re.compile(r"\$[A-Za-z_{]")


def an_order(**overrides: Any) -> Order:
    """An order of one $1,216.05 figure: with $18.00 shipping its total is $1,234.05."""
    fields: dict[str, Any] = {
        "order_number": NUMBER,
        "lines": [order_line("FIG-1", name="Rin Figure", unit_price_cents=121_605, release_date="2027-06")],
        "email": "alex@example.com",
    }
    return order(**(fields | overrides))


def every_kind_of_email() -> list[Sent]:
    placed = an_order()
    return [
        mail.welcome("alex@example.com", "Alex"),
        mail.order_confirmation(placed),
        mail.shipping_date_confirmed(placed, "2027-06-20"),
        mail.payment_failed(placed, datetime(2027, 6, 28, 9, 30, tzinfo=UTC)),
        mail.order_cancelled(placed, "the payment was not re-settled in time"),
        mail.shipping_date_changed(placed, "2027-06-20", "2027-07-04"),
        mail.release_date_changed(placed, "Rin Figure", "2027-06", "2027-09"),
        mail.resettlement_reminder(placed, datetime(2027, 6, 28, 9, 30, tzinfo=UTC)),
        mail.order_shipped(placed, "DHL", "JD014600003828"),
        mail.address_changed(placed),
        mail.payment_method_changed(placed),
        mail.replacement_shipment(
            placed.model_copy(update={"replacement_of": "01JD-3M5K-7QXZ-0000", "support_ticket": "CS-1042"})
        ),
        mail.support_answer(
            "alex@example.com", "SR-01JD-3M5K-7QXZ-9Z9Z", "to cancel an order", NUMBER, f"Order {NUMBER} is cancelled."
        ),
    ]


def account_withdrawn() -> Sent:
    return mail.account_withdrawn("alex@example.com", "Alex")


# --- Every kind ---------------------------------------------------------------------------------------------


# rule M6
@pytest.mark.parametrize("email", every_kind_of_email(), ids=lambda email: email.kind)
def test_every_kind_of_email_renders_a_subject_a_text_and_an_html_body(email: Sent) -> None:
    assert email.subject.strip()
    assert "Dear " in email.text
    assert email.html.startswith("<!DOCTYPE html>")
    assert email.html.rstrip().endswith("</body></html>")


# rule M6
@pytest.mark.parametrize("email", every_kind_of_email(), ids=lambda email: email.kind)
def test_no_email_leaves_a_placeholder_unfilled(email: Sent) -> None:
    assert UNFILLED.findall(email.subject + email.text + email.html) == []


# rule M6
@pytest.mark.parametrize("email", every_kind_of_email()[1:], ids=lambda email: email.kind)
def test_every_email_about_an_order_goes_to_its_registered_address_and_names_the_order(email: Sent) -> None:
    assert email.to == "alex@example.com"
    assert email.order_number == NUMBER
    assert NUMBER in email.subject
    assert NUMBER in email.text
    assert NUMBER in email.html


# --- Welcome ---------------------------------------------------------------------------------------------


def test_the_welcome_email_greets_the_member_by_name() -> None:
    # when
    email = mail.welcome("alex@example.com", "Alex")

    # then
    assert email.subject == "Welcome to Preorder Figure Shop"
    assert email.text.startswith("Dear Alex,\n")
    assert ">Dear Alex,</p>" in email.html
    assert email.order_number is None


# rule M1
def test_the_welcome_email_says_membership_is_free() -> None:
    email = mail.welcome("alex@example.com", "Alex")

    assert "Your membership is free, with no annual fee." in email.text


# --- O10: order confirmation -------------------------------------------------------------------------------


# rule O10
def test_the_order_confirmation_names_the_order_number_in_its_subject() -> None:
    assert mail.order_confirmation(an_order()).subject == f"Order confirmation {NUMBER}"


# rule O10, rule O5
def test_the_order_confirmation_states_items_shipping_and_total() -> None:
    # when
    email = mail.order_confirmation(an_order())

    # then
    assert "Items: $1,216.05\nShipping: $18.00\nTotal: $1,234.05" in email.text
    assert re.search(r">Total</td><td[^>]*>\$1,234\.05</td>", email.html)


# rule O10, rule O9
def test_the_order_confirmation_lists_each_line_with_its_release_date() -> None:
    # when
    email = mail.order_confirmation(an_order())

    # then
    assert "- Rin Figure\n  1 x $1,216.05 = $1,216.05 (release 2027-06)\n" in email.text


# rule O9, rule O10
def test_the_order_confirmation_repeats_the_success_message() -> None:
    email = mail.order_confirmation(an_order())

    assert SUCCESS_MESSAGE in email.text
    assert SUCCESS_MESSAGE in email.html


# --- L1: shipping date confirmed ---------------------------------------------------------------------------


# rule L1
def test_the_shipping_date_email_states_the_date_and_the_total() -> None:
    # when
    email = mail.shipping_date_confirmed(an_order(), "2027-06-20")

    # then
    assert email.subject == f"Shipping date confirmed for order {NUMBER}"
    assert "The shipping date of your order is confirmed: 2027-06-20." in email.text
    assert "Total: $1,234.05" in email.text
    assert ">2027-06-20</span>" in email.html


# --- L4: payment failed -----------------------------------------------------------------------------------


# rule L4
def test_the_payment_failed_email_states_the_deadline_in_utc() -> None:
    # given a deadline of 09:30 on 8 May in Tokyo, which is 00:30 UTC
    deadline = datetime(2027, 5, 8, 9, 30, tzinfo=timezone(timedelta(hours=9)))

    # when
    email = mail.payment_failed(an_order(), deadline)

    # then
    assert email.subject == f"Payment failed for order {NUMBER}: please re-settle by 2027-05-08 00:30 UTC"
    assert "by 2027-05-08 00:30 UTC." in email.text
    assert ">2027-05-08 00:30 UTC</span>" in email.html


# rule L4
def test_the_payment_failed_email_says_the_order_is_cancelled_if_not_resettled() -> None:
    email = mail.payment_failed(an_order(), datetime(2027, 5, 8, 0, 30, tzinfo=UTC))

    assert "If it is not re-settled by then, the order will be cancelled." in email.text


# rule L4
def test_a_deadline_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        mail.payment_failed(an_order(), datetime(2027, 5, 8, 0, 30))


# --- L6/L8: cancelled --------------------------------------------------------------------------------------


# rule L6
def test_the_cancellation_email_gives_the_reason() -> None:
    # when
    email = mail.order_cancelled(an_order(), "the payment was not re-settled in time")

    # then
    assert email.subject == f"Order {NUMBER} has been cancelled"
    assert f"Order {NUMBER} has been cancelled: the payment was not re-settled in time" in email.text


# --- L2, C2, L5a, L7, L9, O13, L10, M5 ---------------------------------------------------------------------


# rule L2
def test_the_shipping_date_change_email_gives_the_old_and_the_new_date() -> None:
    email = mail.shipping_date_changed(an_order(), "2027-06-20", "2027-07-04")

    assert email.subject == f"Shipping date changed for order {NUMBER}: now 2027-07-04"
    assert f"The shipping date of order {NUMBER} has changed from 2027-06-20 to 2027-07-04." in email.text


# rule L2
def test_a_date_for_an_order_that_had_none_reads_as_not_yet_announced() -> None:
    email = mail.shipping_date_changed(an_order(), None, "2027-07-04")

    assert "from not yet announced to 2027-07-04" in email.text


# rule C2
def test_the_release_date_email_gives_both_dates_and_says_the_order_stays() -> None:
    # when
    email = mail.release_date_changed(an_order(), "Rin Figure", "2027-06", "2027-09")

    # then
    assert email.subject == f"New release date for order {NUMBER}: 2027-09"
    assert f"The release date of Rin Figure in order {NUMBER} has moved from 2027-06 to 2027-09." in email.text
    assert "a change of release date is never a reason to cancel it" in email.text


# rule L5a
def test_the_reminder_states_the_deadline_in_utc() -> None:
    email = mail.resettlement_reminder(an_order(), datetime(2027, 5, 8, 9, 30, tzinfo=timezone(timedelta(hours=9))))

    assert email.subject == f"Reminder: re-settle order {NUMBER} by 2027-05-08 00:30 UTC"
    assert "If it is not re-settled by then, the order will be cancelled." in email.text


# rule L7
def test_the_shipping_announcement_gives_carrier_and_tracking_number() -> None:
    email = mail.order_shipped(an_order(), "DHL", "JD014600003828")

    assert email.subject == f"Order {NUMBER} has shipped"
    assert "Carrier: DHL\nTracking number: JD014600003828" in email.text


# rule L9
def test_the_address_email_shows_the_one_new_address_of_the_order() -> None:
    email = mail.address_changed(an_order(shipping_name="Alex Doe"))

    assert "Alex Doe\n1 Main Street\n62701 Springfield IL\nUS" in email.text
    assert "It applies to every item of this order. Your other orders keep their own addresses." in email.text


# rule O13
def test_the_payment_method_email_names_only_the_last_characters() -> None:
    email = mail.payment_method_changed(an_order())

    assert "ending in oken" in email.text
    assert "pm_test_token" not in email.text + email.html


# rule L10
def test_the_replacement_email_names_the_original_and_says_no_charge() -> None:
    replacement = an_order(order_number="01JD-3M5K-7QXZ-9999").model_copy(
        update={"replacement_of": NUMBER, "support_ticket": "CS-1042"}
    )

    email = mail.replacement_shipment(replacement)

    assert email.subject == f"Replacement for order {NUMBER}: order 01JD-3M5K-7QXZ-9999"
    assert "at no charge" in email.text
    assert email.order_number == "01JD-3M5K-7QXZ-9999"


# rule M5
def test_the_final_email_says_the_data_is_erased_and_goes_to_the_registered_address() -> None:
    email = account_withdrawn()

    assert (email.to, email.order_number) == ("alex@example.com", None)
    assert email.subject == "Your Preorder Figure Shop account has been deleted"
    assert "Your personal data has been erased and you can no longer sign in." in email.text
    assert UNFILLED.findall(email.subject + email.text + email.html) == []


# --- HTML escaping -----------------------------------------------------------------------------------------


def test_a_name_with_a_script_tag_is_escaped_in_the_html() -> None:
    # given
    placed = an_order(shipping_name="<script>alert(1)</script>")

    # when
    email = mail.order_confirmation(placed)

    # then
    assert "<script>" not in email.html
    assert ">Dear &lt;script&gt;alert(1)&lt;/script&gt;,</p>" in email.html


def test_a_name_with_a_script_tag_is_kept_as_written_in_the_text() -> None:
    email = mail.welcome("alex@example.com", "<script>alert(1)</script>")

    assert email.text.startswith("Dear <script>alert(1)</script>,\n")


def test_a_product_name_with_markup_is_escaped_in_the_html_lines() -> None:
    # given
    placed = an_order(lines=[order_line("FIG-1", name='Rin & Len <b>"Twins"</b>', unit_price_cents=100)])

    # when
    email = mail.order_confirmation(placed)

    # then
    assert 'Rin &amp; Len &lt;b&gt;"Twins"&lt;/b&gt;' in email.html
    assert "<b>" not in email.html


def test_a_reason_with_markup_is_escaped_in_the_html() -> None:
    email = mail.order_cancelled(an_order(), "<img src=x onerror=alert(1)>")

    assert "&lt;img src=x onerror=alert(1)&gt;" in email.html
    assert "<img" not in email.html


# --- Money and time as members read them -------------------------------------------------------------------


# rule C1
@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (123_405, "$1,234.05"),
        (0, "$0.00"),
        (5, "$0.05"),
        (99, "$0.99"),
        (1_800, "$18.00"),
        (100_000_000, "$1,000,000.00"),
    ],
)
def test_money_formats_integer_cents_as_dollars(cents: int, text: str) -> None:
    assert emails.money(cents) == text


# rule L4
def test_utc_text_converts_to_utc_and_says_so() -> None:
    moment = datetime(2027, 12, 31, 20, 15, tzinfo=timezone(timedelta(hours=-5)))

    assert emails.utc_text(moment) == "2028-01-01 01:15 UTC"


# --- Support ---------------------------------------------------------------------------------------------


def test_a_support_answer_quotes_the_answer_and_names_the_request() -> None:
    # rule S1
    email = mail.support_answer("alex@example.com", "SR-1", "your question", None, "We ship to Iceland.\nYes.")

    assert email.subject == "Customer support answered your request SR-1 about your account"
    assert "We ship to Iceland.\nYes." in email.text
    assert email.order_number is None
