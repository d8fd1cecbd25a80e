// The staff console: the same API as the storefront, under /admin. Staff sign in through POST /sessions; the
// API alone decides who is staff (a 403 from an /admin route), and the console shows its answer.
import { call, h, money, notice, refusalText, saveSession, session, signIn, when } from "../api.js";

const main = document.getElementById("main");
const polls = new Set();

function show(title, ...content) {
  for (const timer of polls) clearTimeout(timer);
  polls.clear();
  document.title = `${title} - Staff console`;
  main.replaceChildren(h("h1", { tabindex: "-1" }, title), ...content.flat(Infinity).filter((part) => part !== null && part !== undefined && part !== false));
  main.querySelector("h1").focus({ preventScroll: true });
  renderNav();
}

function renderNav() {
  const me = session();
  const links = me
    ? [["#/", "Products"], ["#/orders", "Orders"], ["#/support", "Support queue"]]
    : [["#/signin", "Sign in"]];
  const items = links.map(([href, label]) => h("li", {}, h("a", { href }, label)));
  if (me) items.push(h("li", {}, h("button", { type: "button", class: "link", onclick: signOut }, `Sign out (${me.email})`)));
  document.getElementById("nav-links").replaceChildren(...items);
}

async function signOut() {
  await call("DELETE", "/sessions");
  saveSession(null);
  location.hash = "#/signin";
}

function field(id, label, attributes = {}) {
  return h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, ...attributes }));
}

function value(id) {
  return document.getElementById(id).value.trim();
}

function answerArea() {
  return h("div", { class: "answer", "aria-live": "polite" });
}

/** A form whose submission calls the API and shows its answer (or its refusal) in the form's answer area. */
function apiForm(legend, fields, button, send, done) {
  const answer = answerArea();
  const form = h("form", {}, h("fieldset", {}, h("legend", {}, legend), ...fields, h("button", { type: "submit" }, button)), answer);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await send();
    answer.replaceChildren(reply.ok ? done(reply.body) : notice(refusalText(reply)));
  });
  return form;
}

// ---------------------------------------------------------------- sign-in
function signInPage() {
  const answer = answerArea();
  const form = h(
    "form",
    {},
    field("staff-email", "Email address", { type: "email", autocomplete: "username", required: true }),
    field("staff-password", "Password", { type: "password", autocomplete: "current-password", required: true }),
    h("button", { type: "submit" }, "Sign in"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await signIn(value("staff-email"), document.getElementById("staff-password").value);
    if (!reply.ok) return answer.replaceChildren(notice(refusalText(reply)));
    // The API says whether this account is staff: the support queue is for the staff group only.
    const check = await call("GET", "/admin/support-requests?limit=1");
    if (check.status === 403) {
      saveSession(null);
      renderNav();
      return answer.replaceChildren(
        notice(`This account is not a staff account, so the shop refused the console: ${refusalText(check)}`),
      );
    }
    location.hash = "#/";
  });
  show("Staff sign-in", form);
}

function requireStaff() {
  if (session()) return true;
  location.hash = "#/signin";
  return false;
}

// ---------------------------------------------------------------- products
async function productsPage() {
  if (!requireStaff()) return;
  const reply = await call("GET", "/products?limit=100");
  if (!reply.ok) return show("Products", notice(refusalText(reply)));
  const rows = reply.body.products.map((p) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, h("a", { href: `#/product/${p.productId}` }, p.name)),
      h("td", {}, p.kind === "PREORDER" ? "Pre-order" : "In stock"),
      h("td", {}, money(p.unitPriceCents)),
      h("td", {}, p.releaseDate),
      h("td", {}, p.preorderClosesAt ? when(p.preorderClosesAt) : String(p.stock ?? "")),
    ),
  );
  const create = apiForm(
    "New product",
    [
      field("new-id", "Product id", { required: true }),
      field("new-name", "Name", { required: true }),
      h("p", { class: "field" }, h("label", { for: "new-kind" }, "Kind"),
        h("select", { id: "new-kind" }, h("option", { value: "PREORDER" }, "Pre-order"), h("option", { value: "IN_STOCK" }, "In stock"))),
      field("new-price", "Price in cents", { type: "number", min: "1", required: true }),
      field("new-release", "Release date (YYYY-MM or YYYY-MM-DD)", { required: true }),
      field("new-limit", "Limit per member", { type: "number", min: "1", value: "3" }),
      field("new-closes", "Pre-orders close (UTC, e.g. 2027-01-31T15:00:00Z)"),
      field("new-stock", "Stock (in-stock products)", { type: "number", min: "0" }),
    ],
    "Create the product",
    () => {
      const body = {
        productId: value("new-id"),
        name: value("new-name"),
        kind: value("new-kind"),
        unitPriceCents: Number(value("new-price")),
        releaseDate: value("new-release"),
        reservationLimit: Number(value("new-limit")),
      };
      if (value("new-closes")) body.preorderClosesAt = value("new-closes");
      if (value("new-stock")) body.stock = Number(value("new-stock"));
      return call("POST", "/admin/products", body);
    },
    (product) => notice(`Created ${product.productId}.`, "ok"),
  );
  show(
    "Products",
    h(
      "table",
      {},
      h("caption", {}, "The catalogue"),
      h("thead", {}, h("tr", {}, ["Product", "Kind", "Price", "Release", "Closes / stock"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows),
    ),
    create,
  );
}

async function productPage(productId) {
  if (!requireStaff()) return;
  const reply = await call("GET", `/products/${encodeURIComponent(productId)}`);
  if (!reply.ok) return show("Product", notice(refusalText(reply)));
  const p = reply.body;
  const edit = apiForm(
    "Change the product",
    [
      field("edit-name", "Name", { value: p.name }),
      field("edit-price", "Price in cents", { type: "number", value: String(p.unitPriceCents) }),
      field("edit-limit", "Limit per member", { type: "number", value: String(p.reservationLimit) }),
      p.kind === "IN_STOCK" ? field("edit-stock", "Stock", { type: "number", value: String(p.stock ?? 0) }) : null,
    ],
    "Save",
    () => {
      const body = { name: value("edit-name"), unitPriceCents: Number(value("edit-price")), reservationLimit: Number(value("edit-limit")) };
      if (p.kind === "IN_STOCK") body.stock = Number(value("edit-stock"));
      return call("PATCH", `/admin/products/${p.productId}`, body);
    },
    () => notice("Saved.", "ok"),
  );
  const release = apiForm(
    "Move the release date (every open order is emailed; nothing is cancelled)",
    [field("release-date", "New release date", { value: p.releaseDate })],
    "Move the release date",
    () => call("POST", `/admin/products/${p.productId}/release-date`, { releaseDate: value("release-date") }),
    (b) => notice(`Release date moved from ${b.previousReleaseDate} to ${b.releaseDate}; the members are being told.`, "ok"),
  );
  // L1, L2: how many open orders the date reaches, counted by the API before staff confirm it.
  const open = await call("GET", `/admin/products/${encodeURIComponent(p.productId)}/open-orders`);
  const reach = open.ok ? open.body.openOrders : null;
  const orders = (n) => `${n.toLocaleString("en-US")} open order${n === 1 ? "" : "s"}`;
  const shipping = apiForm(
    "Confirm the shipping date of every open order",
    [
      h("p", { id: "open-orders" }, reach === null
        ? `The open orders could not be counted: ${refusalText(open)}`
        : reach === 0
          ? "No open orders now: the date would reach nobody."
          : `The date will reach ${orders(reach)}: each reserved one is dated and charged, each dated one is told of the new date.`),
      field("product-shipping-date", "Shipping date", { type: "date", required: true }),
    ],
    reach === null ? "Confirm the shipping date" : `Confirm the shipping date for ${orders(reach)}`,
    () => call("POST", `/admin/products/${p.productId}/shipping-date`, { shippingDate: value("product-shipping-date") }),
    (b) => {
      location.hash = `#/run/${b.runId}`;
      return notice("Accepted.", "ok");
    },
  );
  show(p.name, h("p", {}, `${p.productId}: ${p.kind === "PREORDER" ? "pre-order" : "in stock"}, release ${p.releaseDate}`), edit, release, shipping);
}

const COUNTS = [
  ["orders", "Open orders listed"],
  ["dated", "Dated"],
  ["emailed", "Emailed"],
  ["settlementRequested", "Settlement requested"],
  ["unchanged", "Already had this date"],
  ["failed", "Failed"],
];

async function runPage(runId) {
  if (!requireStaff()) return;
  const reply = await call("GET", `/admin/shipping-date-runs/${encodeURIComponent(runId)}`);
  if (!reply.ok) return show("Shipping-date run", notice(refusalText(reply)));
  const run = reply.body;
  const progress = h(
    "dl",
    { class: "facts progress", id: "run-progress" },
    COUNTS.map(([key, label]) => [h("dt", {}, label), h("dd", { "data-count": key }, String(run[key]))]),
  );
  const status = run.finished
    ? `Finished: ${run.dated + run.unchanged} of ${run.orders} open orders have ${run.shippingDate}.`
    : `Running: ${run.dated + run.unchanged + run.failed} of ${run.orders}${run.listingDone ? "" : "+"} orders done…`;
  show(
    `Shipping date ${run.shippingDate} for ${run.productId}`,
    h("p", { role: "status", id: "run-status" }, status),
    progress,
    run.failedOrders.length ? h("p", {}, `Not dated (moved on meanwhile): ${run.failedOrders.join(", ")}`) : null,
    h("p", {}, `Started ${when(run.startedAt)}.`),
  );
  if (!run.finished) polls.add(setTimeout(() => location.hash === `#/run/${runId}` && runPage(runId), 1000));
}

// ---------------------------------------------------------------- orders
const STATES = [
  ["RESERVED", "Reserved"],
  ["SHIPPING_DATE_CONFIRMED", "Shipping date confirmed"],
  ["SETTLEMENT_PENDING", "Being charged"],
  ["PAYMENT_FAILED", "Payment failed"],
  ["PAID", "Paid"],
  ["SHIPPED", "Shipped"],
  ["CANCELLED", "Cancelled"],
];

/** E1: the member's address bounced or complained, so they miss this order's emails: support reaches them otherwise. */
function emailCell(order) {
  return h("td", {}, order.email, order.emailUndeliverable ? [" ", h("strong", { class: "flag" }, "(email undeliverable)")] : null);
}

/** The orders in one state, a page at a time; "More" follows the API's cursor. */
function stateList(lookUp) {
  const state = h("select", { id: "list-state" }, STATES.map(([v, label]) => h("option", { value: v }, label)));
  const newest = h("input", { id: "list-newest", type: "checkbox", checked: true });
  const body = h("tbody", {});
  const more = h("button", { type: "button", hidden: true }, "More orders");
  const answer = h("div", { "aria-live": "polite" });
  let cursor = null;
  async function load(first) {
    if (first) cursor = null;
    const query = new URLSearchParams({ state: state.value, limit: "20", newestFirst: String(newest.checked) });
    if (cursor) query.set("cursor", cursor);
    const reply = await call("GET", `/admin/orders?${query}`);
    if (!reply.ok) return answer.replaceChildren(notice(refusalText(reply)));
    const rows = reply.body.orders.map((o) =>
      h("tr", {},
        h("th", { scope: "row" }, h("button", { type: "button", class: "link", onclick: () => lookUp(o.orderNumber) }, o.orderNumber)),
        emailCell(o), h("td", {}, when(o.createdAt)), h("td", {}, o.shippingDate ?? ""), h("td", {}, money(o.totalCents))));
    if (first) body.replaceChildren(...rows);
    else body.append(...rows);
    cursor = reply.body.nextCursor;
    more.hidden = !cursor;
    answer.replaceChildren(h("p", { role: "status" }, body.children.length ? `${body.children.length} ${state.selectedOptions[0].textContent.toLowerCase()} orders shown${cursor ? ", more to come" : ""}.` : "No orders in this state."));
  }
  state.addEventListener("change", () => load(true));
  newest.addEventListener("change", () => load(true));
  more.addEventListener("click", () => load(false));
  load(true);
  return [
    h("h2", {}, "Orders by state"),
    h("p", { class: "field" }, h("label", { for: "list-state" }, "State"), state),
    h("p", { class: "field inline" }, newest, h("label", { for: "list-newest" }, "Newest first")),
    h("table", { id: "orders-by-state" }, h("caption", {}, "Orders in the state chosen"),
      h("thead", {}, h("tr", {}, ["Order", "Member", "Ordered", "Shipping date", "Total"].map((t) => h("th", { scope: "col" }, t)))),
      body),
    more,
    answer,
  ];
}

const REASONS = ["CUSTOMER_REQUEST", "DUPLICATE_ORDER", "ADDRESS_UNDELIVERABLE", "PRODUCT_DISCONTINUED", "SUSPECTED_FRAUD"];

async function ordersPage() {
  if (!requireStaff()) return;
  const number = () => value("order-number");
  const found = h("div", { "aria-live": "polite" });
  const done = (what) => (order) => notice(`Order ${order.orderNumber ?? number()}: ${what} (now ${order.state ?? "accepted"}).`, "ok");
  const failed = await call("GET", "/admin/failed-payments?limit=50");
  const failedList = !failed.ok
    ? notice(refusalText(failed))
    : failed.body.orders.length
      ? h(
          "table",
          { id: "failed-payments" },
          h("caption", {}, "Failed payments, earliest deadline first"),
          h("thead", {}, h("tr", {}, ["Order", "Member", "Pay again by", "Total"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, failed.body.orders.map((o) =>
            h("tr", {}, h("th", { scope: "row" }, o.orderNumber), emailCell(o), h("td", {}, when(o.resettlementDeadline)), h("td", {}, money(o.totalCents))))),
        )
      : h("p", {}, "No failed payments.");
  async function lookUp() {
    const reply = await call("GET", `/admin/orders/${encodeURIComponent(number())}`);
    if (!reply.ok) return found.replaceChildren(notice(refusalText(reply)));
    const o = reply.body;
    found.replaceChildren(
      h("dl", { class: "facts", id: "order-facts" },
        h("dt", {}, "State"), h("dd", {}, o.state),
        h("dt", {}, "Shipping date"), h("dd", {}, o.shippingDate ?? "not confirmed"),
        h("dt", {}, "Payment"), h("dd", {}, `${o.payment.state} (${o.payment.method})`),
        o.payment.resettlementDeadline && [h("dt", {}, "Pay again by"), h("dd", {}, when(o.payment.resettlementDeadline))],
        h("dt", {}, "Total"), h("dd", {}, money(o.totalCents)),
        h("dt", {}, "Emails"), h("dd", {}, o.history.map((e) => `${when(e.sentAt)}: ${e.subject}`).join("; ") || "none"),
        o.emailUndeliverable && [
          h("dt", {}, "Email undeliverable"),
          h("dd", { class: "flag" }, `${o.emailUndeliverable.address} since ${when(o.emailUndeliverable.since)} (${o.emailUndeliverable.reason}; the lost email: ${o.emailUndeliverable.lostEmailKind.replaceAll("_", " ")}). Order emails no longer reach this member.`),
        ]),
    );
  }
  const lookup = h("button", { type: "button", onclick: lookUp }, "Look up");
  const lookUpFromList = (orderNumber) => {
    document.getElementById("order-number").value = orderNumber;
    lookUp().then(() => document.getElementById("order-number").focus());
  };
  show(
    "Orders",
    failedList,
    stateList(lookUpFromList),
    h("h2", {}, "One order"),
    field("order-number", "Order number", { required: true, autocomplete: "off" }),
    lookup,
    found,
    apiForm(
      "Confirm or change the shipping date of this order",
      [field("order-shipping-date", "Shipping date", { type: "date", required: true })],
      "Confirm the shipping date",
      () => call("POST", `/admin/orders/${encodeURIComponent(number())}/shipping-date`, { shippingDate: value("order-shipping-date") }),
      (b) => notice(`Order ${b.orderNumber}: shipping date ${b.shippingDate} accepted.`, "ok"),
    ),
    apiForm(
      "Shipment",
      [field("carrier", "Carrier", { required: true }), field("tracking", "Tracking number", { required: true })],
      "Record the shipment",
      () => call("POST", `/admin/orders/${encodeURIComponent(number())}/shipment`, { carrier: value("carrier"), trackingNumber: value("tracking") }),
      done("shipped"),
    ),
    apiForm(
      "Cancel (only before payment)",
      [
        h("p", { class: "field" }, h("label", { for: "reason" }, "Reason"), h("select", { id: "reason" }, REASONS.map((r) => h("option", { value: r }, r.replaceAll("_", " ").toLowerCase())))),
        field("cancel-note", "Note (optional)"),
      ],
      "Cancel the order",
      () => {
        const body = { reason: value("reason") };
        if (value("cancel-note")) body.note = value("cancel-note");
        return call("POST", `/admin/orders/${encodeURIComponent(number())}/cancellation`, body);
      },
      done("cancelled"),
    ),
    apiForm(
      "Defect: a replacement at no charge",
      [field("ticket", "Support ticket", { required: true }), field("defect", "What is wrong", { required: true })],
      "Send a replacement",
      () => call("POST", `/admin/orders/${encodeURIComponent(number())}/defects`, { supportTicket: value("ticket"), description: value("defect") }),
      (order) => notice(`Replacement ${order.orderNumber} created.`, "ok"),
    ),
    apiForm(
      "Import old-shop orders (JSON, as POST /admin/imports/orders takes it)",
      [h("p", { class: "field" }, h("label", { for: "import-json" }, "Request body"), h("textarea", { id: "import-json", rows: "6" }))],
      "Import",
      () => {
        try {
          return call("POST", "/admin/imports/orders", JSON.parse(document.getElementById("import-json").value));
        } catch (error) {
          return { ok: false, status: 400, body: { message: `Not JSON: ${error.message}` } };
        }
      },
      (b) => notice(`Imported: ${b.imported.join(", ") || "none"}; already there: ${b.alreadyImported.join(", ") || "none"}.`, "ok"),
    ),
  );
}

// ---------------------------------------------------------------- support
async function supportPage() {
  if (!requireStaff()) return;
  const reply = await call("GET", "/admin/support-requests?limit=50");
  if (!reply.ok) return show("Support queue", notice(refusalText(reply)));
  const rows = reply.body.requests.map((r) =>
    h("tr", {},
      h("th", { scope: "row" }, h("a", { href: `#/support/${r.requestId}` }, r.requestId)),
      h("td", {}, r.kind), h("td", {}, r.orderNumber ?? ""), h("td", {}, when(r.createdAt)), h("td", {}, String(r.messageCount))),
  );
  show(
    "Support queue",
    rows.length
      ? h("table", {}, h("caption", {}, "Waiting for staff, oldest first"),
          h("thead", {}, h("tr", {}, ["Request", "Kind", "Order", "Opened", "Messages"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, rows))
      : h("p", {}, "Nobody is waiting."),
  );
}

async function requestPage(requestId) {
  if (!requireStaff()) return;
  const reply = await call("GET", `/admin/support-requests/${encodeURIComponent(requestId)}`);
  if (!reply.ok) return show("Support request", notice(refusalText(reply)));
  const r = reply.body;
  const close = h("input", { id: "close", type: "checkbox" });
  show(
    `Support request ${r.requestId}`,
    h("p", {}, `${r.kind} from ${r.email}${r.orderNumber ? ` about order ${r.orderNumber}` : ""}: ${r.state}`),
    r.order ? h("p", {}, `Order ${r.order.orderNumber} is ${r.order.state}.`) : null,
    h("ol", {}, r.messages.map((m) => h("li", {}, `${when(m.at)} ${m.author}: ${m.text}`))),
    apiForm(
      "Answer",
      [
        h("p", { class: "field" }, h("label", { for: "answer-text" }, "Answer"), h("textarea", { id: "answer-text", rows: "4", required: true })),
        h("p", { class: "field inline" }, close, h("label", { for: "close" }, "Nothing more to do: close it")),
      ],
      "Send the answer",
      () => call("POST", `/admin/support-requests/${r.requestId}/answers`, { message: value("answer-text"), close: close.checked }),
      (b) => notice(`Answered; the request is ${b.state}.`, "ok"),
    ),
    ...resolutions(r),
  );
}

/** The rule-bound actions a request of this kind can ask for; the API refuses (and answers the member) when its rule does. */
function resolutions(r) {
  const act = (path, label, body) =>
    apiForm(label, [], label, () => call("POST", `/admin/support-requests/${r.requestId}/${path}`, body()), (b) =>
      notice(`Done; the request is ${b.state}${b.resolution ? ` (${b.resolution.action})` : ""}.`, "ok"));
  if (r.state === "CLOSED") return [];
  if (r.kind === "CANCELLATION") return [act("cancellation", "Cancel the order", () => ({ reason: "CUSTOMER_REQUEST" }))];
  if (r.kind === "DEFECT") return [act("replacement", "Send a replacement at no charge", () => ({}))];
  if (r.kind === "WITHDRAWAL") return [act("withdrawal", "Withdraw the member", () => ({}))];
  return [];
}

// ---------------------------------------------------------------- routing
function route() {
  const parts = location.hash.replace(/^#/, "").split("/").filter(Boolean);
  switch (parts[0]) {
    case undefined: return productsPage();
    case "signin": return signInPage();
    case "product": return productPage(decodeURIComponent(parts[1] ?? ""));
    case "run": return runPage(decodeURIComponent(parts[1] ?? ""));
    case "orders": return ordersPage();
    case "support": return parts[1] ? requestPage(decodeURIComponent(parts[1])) : supportPage();
    default: return show("Not found", h("a", { href: "#/" }, "Products"));
  }
}

window.addEventListener("hashchange", route);
route();
