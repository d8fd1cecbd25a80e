"""The local mailbox: every email the shop sent through (embedded) SES, newest first, as a member reads it.

moto keeps the subject, the sender, the recipients and one body of an SES v2 "Simple" email (the HTML part
when there is one). Real SES sends both parts as multipart/alternative (SES v2 API reference, SendEmail:
"Simple" content "Body" with "Text" and "Html"), so the mailbox also keeps what moto drops: listen() hooks the
X and records, under SES's message id, the text
part and the time of sending on the shop's clock.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from typing import Any

from moto.ses.models import ses_backends

from local.provision import ACCOUNT, REGION
from shop.clock import Clock, iso

_extra: dict[str, tuple[str, str]] = {}  # SES message id: (text part, sent at in shop time)
_lock = threading.Lock()


@dataclass(frozen=True)
class Mail:
    message_id: str
    sender: str
    to: list[str]
    subject: str
    html: str
    text: str
    date: str  # ISO-8601 UTC, the shop's clock when the dispatcher sent it

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.message_id,
            "from": self.sender,
            "to": self.to,
            "date": self.date,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
        }


def listen(session: Any, clock: Clock) -> None:
    """Record the text part and the shop time of every email the session's SES v2 clients send."""

    def before(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        body = params.get("Content", {}).get("Simple", {}).get("Body", {})
        context["local_mailbox"] = (body.get("Text", {}).get("Data", ""), iso(clock.now()))

    def after(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if "MessageId" in parsed and "local_mailbox" in context:
            with _lock:
                _extra[parsed["MessageId"]] = context["local_mailbox"]

    session.events.register("before-parameter-build.sesv2.SendEmail", before)
    session.events.register("after-call.sesv2.SendEmail", after)


def all_mail(recipient: str | None = None) -> list[Mail]:
    """Newest first; only mail to `recipient` when given (case-insensitive)."""
    sent = list(_ses().sent_messages)
    with _lock:
        extra = dict(_extra)
    mails = [
        Mail(m.id, m.source, list(m.destinations.get("ToAddresses", [])), m.subject, m.body, *extra.get(m.id, ("", "")))
        for m in reversed(sent)
        if hasattr(m, "subject")
    ]
    if recipient:
        wanted = recipient.strip().lower()
        mails = [m for m in mails if any(to.lower() == wanted for to in m.to)]
    return mails


def empty() -> int:
    """Forget every email sent (and SES's count of them); returns how many there were."""
    ses = _ses()
    count = len(ses.sent_messages)
    ses.sent_messages.clear()
    ses.sent_message_count = 0
    with _lock:
        _extra.clear()
    return count


def _ses() -> Any:
    return ses_backends[ACCOUNT][REGION]


def find(message_id: str) -> Mail | None:
    return next((m for m in all_mail() if m.message_id == message_id), None)


_STYLE = """
body { font-family: sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
form { margin: 1rem 0; }
.headers th { width: 6rem; background: none; color: #666; font-weight: normal; }
.parts button { padding: .4rem 1rem; margin-right: .3rem; }
.parts button[aria-pressed="true"] { background: #2d2a4a; color: #fff; }
iframe { width: 100%; height: 75vh; border: 1px solid #ddd; margin-top: .5rem; }
pre { border: 1px solid #ddd; padding: 1rem; white-space: pre-wrap; margin-top: .5rem; }
"""


def list_page(recipient: str | None) -> str:
    mails = all_mail(recipient)
    rows = "\n".join(
        f"<tr><td>{len(mails) - index}</td><td>{html.escape(m.date)}</td><td>{html.escape(m.sender)}</td>"
        f"<td>{html.escape(', '.join(m.to))}</td>"
        f'<td><a href="/_local/mail/{html.escape(m.message_id)}">{html.escape(m.subject)}</a></td></tr>'
        for index, m in enumerate(mails)
    )
    shown = f" to {html.escape(recipient)}" if recipient else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Mailbox - preorder-shop (local)</title>
<style>{_STYLE}</style></head>
<body>
<h1>Mailbox</h1>
<p>{len(mails)} email(s){shown}, newest first. Every email the shop sent through SES on this machine; dates
are the shop's clock (UTC).</p>
<form method="get" action="/_local/mail">
<label>Recipient <input name="to" value="{html.escape(recipient or "")}"></label>
<button type="submit">Filter</button> <a href="/_local/mail">all</a></form>
<table id="mail"><thead><tr><th>#</th><th>Date (UTC)</th><th>From</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""


def message_page(mail: Mail) -> str:
    """One email: its headers, and its HTML part (in a sandboxed frame) or its text part, one click apart."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{html.escape(mail.subject)} - Mailbox</title>
<style>{_STYLE}</style></head>
<body>
<p><a href="/_local/mail">Mailbox</a></p>
<table class="headers">
<tr><th>From</th><td id="from">{html.escape(mail.sender)}</td></tr>
<tr><th>To</th><td id="to">{html.escape(", ".join(mail.to))}</td></tr>
<tr><th>Date</th><td id="date">{html.escape(mail.date)}</td></tr>
<tr><th>Subject</th><td id="subject"><strong>{html.escape(mail.subject)}</strong></td></tr>
</table>
<div class="parts">
<button id="show-html" aria-pressed="true" onclick="show('html')">HTML</button>
<button id="show-text" aria-pressed="false" onclick="show('text')">Text</button>
</div>
<iframe id="html-part" title="HTML part" sandbox srcdoc="{html.escape(mail.html)}"></iframe>
<pre id="text-part" hidden>{html.escape(mail.text)}</pre>
<script>
function show(part) {{
  document.getElementById("html-part").hidden = part !== "html";
  document.getElementById("text-part").hidden = part !== "text";
  document.getElementById("show-html").setAttribute("aria-pressed", part === "html");
  document.getElementById("show-text").setAttribute("aria-pressed", part === "text");
}}
if (location.hash === "#text") show("text");
</script>
</body></html>
"""
