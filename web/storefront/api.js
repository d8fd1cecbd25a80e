// The one way both front ends speak to the shop's API. No shop rule lives here: every decision, refusal and
// message comes from the API's answers (README "The API at a glance"); this module only carries them.

let configPromise;

/** The front end's settings: the API's address and the sign-in and payment settings (config.json). */
export function config() {
  configPromise ??= fetch(new URL("config.json", import.meta.url)).then((reply) => reply.json());
  return configPromise;
}

const SESSION = "preorder-shop.session";

export function session() {
  const saved = sessionStorage.getItem(SESSION);
  return saved ? JSON.parse(saved) : null;
}

export function saveSession(value) {
  if (value) sessionStorage.setItem(SESSION, JSON.stringify(value));
  else sessionStorage.removeItem(SESSION);
}

/** Sign in through POST /sessions; the answer (with its refusal, if any) is returned as it came. */
export async function signIn(email, password) {
  const reply = await call("POST", "/sessions", { email, password }, { anonymous: true });
  if (reply.ok) saveSession({ ...reply.body, email, groups: groupsOf(reply.body.idToken) });
  return reply;
}

/** The groups the ID token names (cognito:groups), only to choose what to show: the API decides. */
function groupsOf(idToken) {
  try {
    const payload = JSON.parse(atob(idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload["cognito:groups"] ?? [];
  } catch {
    return [];
  }
}

async function refreshed() {
  const current = session();
  if (!current?.refreshToken) return false;
  const reply = await call(
    "POST",
    "/sessions/refresh",
    { memberId: current.memberId, refreshToken: current.refreshToken },
    { anonymous: true },
  );
  if (!reply.ok) return false;
  saveSession({ ...current, idToken: reply.body.idToken, expiresAt: reply.body.expiresAt });
  return true;
}

/**
 * One API call: {status, ok, body, headers}. The body is the API's JSON (a refusal has `code` and `message`).
 * An expired ID token is renewed once with the refresh token.
 */
export async function call(method, path, body, { anonymous = false, idempotencyKey, retried = false } = {}) {
  const { apiUrl } = await config();
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const current = session();
  if (!anonymous && current) headers.Authorization = current.idToken;
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let reply;
  try {
    reply = await fetch(apiUrl.replace(/\/$/, "") + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, ok: false, body: { code: "OFFLINE", message: "The shop cannot be reached; try again." } };
  }
  if (reply.status === 401 && !anonymous && !retried && (await refreshed())) {
    return call(method, path, body, { anonymous, idempotencyKey, retried: true });
  }
  const text = await reply.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  return { status: reply.status, ok: reply.ok, body: parsed, headers: reply.headers };
}

/** The words a person reads for a refusal: the API's message, and each field's own message if listed. */
export function refusalText(reply) {
  const body = reply.body ?? {};
  if (reply.status === 401) return "Please sign in again: your session has ended.";
  const details = (body.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  const problems = (body.problems ?? []).map((p) => p.message);
  const main = body.message ?? `The shop answered ${reply.status}.`;
  return [main, ...details, ...problems].filter((v, i, all) => all.indexOf(v) === i).join("\n");
}

export function money(cents) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
}

export function when(iso) {
  if (!iso) return "";
  const moment = new Date(iso);
  if (Number.isNaN(moment.getTime())) return iso;
  return moment.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
}

/** Elements built from data, never from HTML strings: text is always text. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A message area for the API's answer: role=alert for refusals, role=status otherwise. */
export function notice(text, kind = "error") {
  return h("p", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
