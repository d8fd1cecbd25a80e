"""The local mailbox: every email the shop sent through (embedded) SES, newest first."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from moto.ses.models import ses_backends

from local.provision import ACCOUNT, REGION


@dataclass(frozen=True)
class Mail:
    message_id: str
    sender: str
    to: list[str]
    subject: str
    html: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.message_id, "from": self.sender, "to": self.to, "subject": self.subject, "html": self.html}


def all_mail(recipient: str | None = None) -> list[Mail]:
    """Newest first; only mail to `recipient` when given (case-insensitive)."""
    sent = list(_ses().sent_messages)
    mails = [
        Mail(m.id, m.source, list(m.destinations.get("ToAddresses", [])), m.subject, m.body)
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
    return count


def _ses() -> Any:
    return ses_backends[ACCOUNT][REGION]


def find(message_id: str) -> Mail | None:
    return next((m for m in all_mail() if m.message_id == message_id), None)


def list_page(recipient: str | None) -> str:
    mails = all_mail(recipient)
    rows = "\n".join(
        f"<tr><td>{len(mails) - index}</td><td>{html.escape(', '.join(m.to))}</td>"
        f'<td><a href="/_local/mail/{html.escape(m.message_id)}">{html.escape(m.subject)}</a></td></tr>'
        for index, m in enumerate(mails)
    )
    shown = f" to {html.escape(recipient)}" if recipient else ""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Mailbox - preorder-shop (local)</title>
<style>
body {{ font-family: sans-serif; margin: 2rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; }}
th {{ background: #f0f0f0; }}
form {{ margin: 1rem 0; }}
</style></head>
<body>
<h1>Mailbox</h1>
<p>{len(mails)} email(s){shown}, newest first. Every email the shop sent through SES on this machine.</p>
<form method="get" action="/_local/mail">
<label>Recipient <input name="to" value="{html.escape(recipient or "")}"></label>
<button type="submit">Filter</button> <a href="/_local/mail">all</a></form>
<table id="mail"><thead><tr><th>#</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
