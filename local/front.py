"""The front-end pages the shop's emails link to, for the local stack (the real front end is not here).

Locally, template.yaml's FrontEndUrl is <local shop>/_local, so the links in the mailbox open these pages:
verify-email sends the link's token to POST /members/verification, reset-password sends the code and a new
password to POST /members/password-reset/confirm. Each shows the API's answer as it came.
"""

from __future__ import annotations

import html
import json

_STYLE = """body { font-family: sans-serif; margin: 2rem; color: #222; max-width: 40rem; }
label { display: block; margin: .5rem 0; } input { width: 100%; padding: .3rem; }
button { margin-top: 1rem; padding: .4rem 1rem; } pre { background: #f4f4f4; padding: 1rem; white-space: pre-wrap; }"""

_SEND = """<script>
async function send(path, body) {
  const reply = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                   body: JSON.stringify(body)});
  document.getElementById("answer").textContent = reply.status + "\\n" + JSON.stringify(await reply.json(), null, 2);
}
</script>"""


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>{title} - preorder-shop (local)</title><style>{_STYLE}</style>
{_SEND}</head>
<body><h1>{title}</h1>
{body}
<pre id="answer"></pre>
<p><a href="/_local/mail">Mailbox</a></p>
</body></html>
"""


def verify_email_page(token: str) -> str:
    """M7: what the front end does with the emailed link."""
    body = f"""<p>Confirm that you read mail at the address this link was sent to.</p>
<button id="confirm" onclick='send("/members/verification", {{"token": {html.escape(json.dumps(token))}}})'>
Confirm my email address</button>"""
    return _page("Confirm your email address", body)


def reset_password_page(email: str, code: str) -> str:
    """M8: the emailed code and a new password, which must obey every M2 rule."""
    body = f"""<p>Choose a new password: 8 to 64 half-width characters, with a lowercase and an uppercase letter,
a digit and a symbol, and no space.</p>
<label>Email address <input id="email" value="{html.escape(email)}"></label>
<label>Code <input id="code" value="{html.escape(code)}"></label>
<label>New password <input id="password" type="password"></label>
<button id="reset" onclick='send("/members/password-reset/confirm", {{"email": email.value, "code": code.value,
  "newPassword": password.value}})'>Set the new password</button>"""
    return _page("Reset your password", body)


def my_account_page(what: str) -> str:
    """The emails' next step opens My Account (an order, a support request): the front end's page, not built
    here. Locally it says what the real page shows and where the API that serves it is documented."""
    body = f"""<p>The front end's My Account page opens here: {html.escape(what)}.</p>
<p>The shop's API serves it (GET /orders/{{orderNumber}}, GET /support-requests/{{requestId}}); try it in
<a href="/_local/docs">the API docs</a> with a token from POST /sessions.</p>"""
    return _page("My Account", body)
