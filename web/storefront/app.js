// The storefront: the guide's flow on the shop's API. Pages are hash routes (#/cart, #/account/...), so the
// API's own paths on the same origin (/products, /cart, /orders) stay the API's. The pages the shop's emails
// link to (verify-email, reset-password, account/...) are real paths, served with this same page.
import { call, config, h, money, notice, refusalText, saveSession, session, signIn, when } from "./api.js";
import { mountCard } from "./card.js";

const main = document.getElementById("main");

function show(title, ...content) {
  document.title = `${title} - Preorder Figure Shop`;
  main.replaceChildren(h("h1", { tabindex: "-1" }, title), ...content.flat(Infinity).filter((part) => part !== null && part !== undefined && part !== false));
  main.querySelector("h1").focus({ preventScroll: true });
  renderNav();
}

function renderNav() {
  const me = session();
  const links = [
    ["#/", "Catalogue"],
    ["#/cart", "Cart"],
    ...(me ? [["#/account", "My Account"], ["#/support", "Support"]] : [["#/signin", "Sign in"], ["#/signup", "Sign up"]]),
  ];
  const items = links.map(([href, label]) => h("li", {}, h("a", { href }, label)));
  if (me) {
    items.push(h("li", {}, h("button", { type: "button", class: "link", onclick: signOut }, `Sign out (${me.email})`)));
  }
  document.getElementById("nav-links").replaceChildren(...items);
}

async function signOut() {
  await call("DELETE", "/sessions");
  saveSession(null);
  location.hash = "#/";
}

function requireSignIn(next) {
  if (session()) return true;
  sessionStorage.setItem("preorder-shop.after-sign-in", next);
  location.hash = "#/signin";
  return false;
}

function field(id, label, attributes = {}) {
  return h("p", { class: "field" }, h("label", { for: id }, label), h("input", { id, name: id, ...attributes }));
}

function value(id) {
  return document.getElementById(id).value;
}

function badge(product) {
  return product.kind === "PREORDER"
    ? h("span", { class: "badge preorder" }, "Pre-order")
    : h("span", { class: "badge in-stock" }, product.stock > 0 ? "In stock" : "Sold out");
}

function facts(product) {
  return h(
    "dl",
    { class: "facts" },
    h("dt", {}, "Price"),
    h("dd", {}, money(product.unitPriceCents)),
    h("dt", {}, "Release date"),
    h("dd", {}, product.releaseDate),
    product.preorderClosesAt && [h("dt", {}, "Pre-orders close"), h("dd", {}, when(product.preorderClosesAt))],
    product.stock !== null && product.stock !== undefined && [h("dt", {}, "In stock"), h("dd", {}, String(product.stock))],
    h("dt", {}, "Limit per member"),
    h("dd", {}, String(product.reservationLimit)),
  );
}

// A visitor's cart lives in this browser until sign-in, then joins the member's saved cart through the API
// (docs/decisions.md, "A visitor's cart is the front end's until sign-in").
const VISITOR_CART = "preorder-shop.visitor-cart";

function visitorCart() {
  return JSON.parse(localStorage.getItem(VISITOR_CART) ?? "{}");
}

async function joinVisitorCart() {
  const lines = Object.entries(visitorCart());
  const refused = [];
  for (const [productId, quantity] of lines) {
    const reply = await call("POST", "/cart/items", { productId, quantity });
    if (!reply.ok) refused.push(refusalText(reply));
  }
  localStorage.removeItem(VISITOR_CART);
  if (refused.length) sessionStorage.setItem("preorder-shop.cart-notice", refused.join("\n"));
}

async function addToCart(product, quantity, where) {
  if (!session()) {
    const cart = visitorCart();
    cart[product.productId] = (cart[product.productId] ?? 0) + quantity;
    localStorage.setItem(VISITOR_CART, JSON.stringify(cart));
    where.replaceChildren(notice(`${product.name} is in your cart. Sign in to see the orders it becomes and check out.`, "ok"));
    where.append(h("a", { href: "#/signin" }, "Sign in"));
    return;
  }
  const reply = await call("POST", "/cart/items", { productId: product.productId, quantity });
  where.replaceChildren(
    reply.ok
      ? notice(reply.body.notice ?? `${product.name} is in your cart.`, "ok")
      : notice(refusalText(reply)),
  );
  if (reply.ok) where.append(h("a", { href: "#/cart" }, "Go to the cart"));
}

function buyButton(product, quantityOf, where) {
  const label = product.kind === "PREORDER" ? "Pre-order Now" : "Add to Cart";
  return h("button", { type: "button", onclick: () => addToCart(product, quantityOf(), where) }, label);
}

// ---------------------------------------------------------------- pages
async function catalogue() {
  const reply = await call("GET", "/products?limit=50", undefined, { anonymous: true });
  if (!reply.ok) return show("Catalogue", notice(refusalText(reply)));
  const cards = reply.body.products.map((product) => {
    const answer = h("div", { class: "answer", "aria-live": "polite" });
    return h(
      "li",
      { class: "product" },
      h("h2", {}, h("a", { href: `#/product/${product.productId}` }, product.name)),
      badge(product),
      facts(product),
      buyButton(product, () => 1, answer),
      answer,
    );
  });
  show("Catalogue", h("ul", { class: "products" }, cards));
}

async function productPage(productId) {
  const reply = await call("GET", `/products/${encodeURIComponent(productId)}`, undefined, { anonymous: true });
  if (!reply.ok) return show("Product", notice(refusalText(reply)));
  const product = reply.body;
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  show(
    product.name,
    badge(product),
    facts(product),
    field("quantity", "Quantity", { type: "number", min: "1", value: "1", inputmode: "numeric" }),
    buyButton(product, () => Number(value("quantity")), answer),
    answer,
  );
}

function previewOrders(orders) {
  return h(
    "ol",
    { class: "preview" },
    orders.map((order, index) =>
      h(
        "li",
        {},
        h("h3", {}, `Order ${index + 1} of ${orders.length} (${order.kind === "PREORDER" ? "pre-order" : "in stock"})`),
        h("ul", {}, order.lines.map((line) => h("li", {}, `${line.quantity} × ${line.name}: ${money(line.lineTotalCents)}`))),
        h("p", {}, `Items ${money(order.itemsTotalCents)}, shipping ${money(order.shippingFeeCents)}, total ${money(order.totalCents)}`),
      ),
    ),
  );
}

async function visitorCartPage() {
  const lines = Object.entries(visitorCart());
  if (!lines.length) return show("Cart", h("p", {}, "Your cart is empty."), h("a", { href: "#/" }, "Browse the catalogue"));
  const rows = [];
  for (const [productId, quantity] of lines) {
    const reply = await call("GET", `/products/${encodeURIComponent(productId)}`, undefined, { anonymous: true });
    rows.push(h("li", {}, `${quantity} × ${reply.ok ? reply.body.name : productId}`));
  }
  sessionStorage.setItem("preorder-shop.after-sign-in", "#/cart");
  show(
    "Cart",
    h("ul", {}, rows),
    h("p", {}, "Sign in (or sign up) to keep this cart on every device, see the orders it becomes and check out."),
    h("p", {}, h("a", { href: "#/signin", class: "button" }, "Sign in"), " ", h("a", { href: "#/signup" }, "Sign up")),
  );
}

async function cartPage() {
  if (!session()) return visitorCartPage();
  const joined = sessionStorage.getItem("preorder-shop.cart-notice");
  sessionStorage.removeItem("preorder-shop.cart-notice");
  const country = sessionStorage.getItem("preorder-shop.country") ?? "";
  const reply = await call("GET", `/cart${country ? `?country=${encodeURIComponent(country)}` : ""}`);
  if (!reply.ok) return show("Cart", notice(refusalText(reply)));
  const cart = reply.body;
  if (!cart.lines.length) return show("Cart", h("p", {}, "Your cart is empty."), h("a", { href: "#/" }, "Browse the catalogue"));
  const rows = cart.lines.map((line) => {
    const id = `qty-${line.productId}`;
    const answer = h("span", { class: "answer", "aria-live": "polite" });
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, line.name ?? line.productId),
      h("td", {}, line.stockState.replaceAll("_", " ").toLowerCase()),
      h("td", {}, line.unitPriceCents === null ? "" : money(line.unitPriceCents)),
      h(
        "td",
        {},
        h("label", { for: id, class: "visually-hidden" }, `Quantity of ${line.name}`),
        h("input", { id, type: "number", min: "1", value: String(line.quantity), class: "qty", inputmode: "numeric" }),
        h("button", {
          type: "button",
          onclick: async () => {
            const r = await call("PUT", `/cart/items/${line.productId}`, { quantity: Number(value(id)) });
            if (r.ok) cartPage();
            else answer.replaceChildren(notice(refusalText(r)));
          },
        }, "Update"),
        h("button", {
          type: "button",
          onclick: async () => {
            const r = await call("DELETE", `/cart/items/${line.productId}`);
            if (r.ok) cartPage();
            else answer.replaceChildren(notice(refusalText(r)));
          },
        }, "Remove"),
        answer,
      ),
      h("td", {}, line.lineTotalCents === null ? "" : money(line.lineTotalCents)),
    );
  });
  const countryForm = h(
    "form",
    { class: "field inline" },
    h("label", { for: "cart-country" }, "Ship to (two letters, e.g. US, FR)"),
    h("input", { id: "cart-country", value: country, maxlength: "2", class: "qty", autocomplete: "shipping country" }),
    h("button", { type: "submit" }, "Check"),
  );
  countryForm.addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("preorder-shop.country", value("cart-country").trim().toUpperCase());
    cartPage();
  });
  show(
    "Cart",
    countryForm,
    h(
      "table",
      { class: "cart" },
      h("caption", { class: "visually-hidden" }, "Lines in your cart"),
      h("thead", {}, h("tr", {}, ["Figure", "Availability", "Price", "Quantity", "Total"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows),
    ),
    h("h2", {}, `Your cart becomes ${cart.orderCount} order${cart.orderCount === 1 ? "" : "s"}`),
    previewOrders(cart.orders),
    h("p", { class: "total" }, `Grand total ${money(cart.grandTotalCents)}`),
    joined ? notice(joined) : null,
    cart.problems.length ? h("div", { class: "problems" }, cart.problems.map((p) => notice(p.message))) : null,
    h("p", {}, h("a", { href: "#/checkout", class: "button" }, "Proceed to purchase")),
  );
}

function addressFields(prefix, legend) {
  const group = prefix === "billing" ? "billing" : "shipping"; // the autocomplete tokens HTML defines
  return h(
    "fieldset",
    {},
    h("legend", {}, legend),
    field(`${prefix}-name`, "Full name", { autocomplete: `${group} name`, required: true }),
    field(`${prefix}-line1`, "Address", { autocomplete: `${group} address-line1`, required: true }),
    field(`${prefix}-line2`, "Address line 2 (optional)", { autocomplete: `${group} address-line2` }),
    field(`${prefix}-city`, "City", { autocomplete: `${group} address-level2`, required: true }),
    field(`${prefix}-region`, "State or region (optional)", { autocomplete: `${group} address-level1` }),
    field(`${prefix}-postalCode`, "Postal code", { autocomplete: `${group} postal-code`, required: true }),
    field(`${prefix}-country`, "Country (two letters, e.g. US, FR)", { autocomplete: `${group} country`, required: true, maxlength: "2" }),
  );
}

function addressFrom(prefix) {
  const address = {};
  for (const part of ["name", "line1", "line2", "city", "region", "postalCode", "country"]) {
    const text = value(`${prefix}-${part}`).trim();
    if (text) address[part] = part === "country" ? text.toUpperCase() : text;
  }
  return address;
}

async function checkoutPage() {
  if (!requireSignIn("#/checkout")) return;
  const cardArea = h("div", { class: "card" });
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const same = h("input", { id: "billing-same", type: "checkbox", checked: true });
  const billing = addressFields("billing", "Billing address");
  billing.hidden = true;
  same.addEventListener("change", () => (billing.hidden = same.checked));
  // One key per confirmation attempt: a retry of the same submission is the same checkout (O8).
  let idempotencyKey = crypto.randomUUID();
  let sending = false;
  const confirm = h("button", { type: "submit", id: "confirm-order" }, "Confirm Order");
  // What the member confirms, as the API previews it for the shipping country (O1-O5): orders, fees, problems.
  const preview = h("section", { "aria-labelledby": "preview-heading", id: "checkout-preview" });
  const showPreview = async () => {
    const country = document.getElementById("shipping-country")?.value.trim().toUpperCase() ?? "";
    const reply = await call("GET", `/cart${country ? `?country=${encodeURIComponent(country)}` : ""}`);
    if (!reply.ok) return preview.replaceChildren(notice(refusalText(reply)));
    const cart = reply.body;
    preview.replaceChildren(
      h("h2", { id: "preview-heading" }, `You are ordering ${cart.orderCount} order${cart.orderCount === 1 ? "" : "s"}`),
      previewOrders(cart.orders),
      h("p", { class: "total" }, `Grand total ${money(cart.grandTotalCents)}`),
      ...cart.problems.map((problem) => notice(problem.message)),
    );
  };
  const form = h(
    "form",
    { novalidate: true },
    preview,
    addressFields("shipping", "Shipping address"),
    h("p", { class: "field inline" }, same, h("label", { for: "billing-same" }, "Billing address is the same")),
    billing,
    h("fieldset", {}, h("legend", {}, "Payment method"), cardArea),
    confirm,
    answer,
  );
  form.addEventListener("input", () => (idempotencyKey = crypto.randomUUID()));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return; // a second click while the first is on its way sends nothing
    sending = true;
    confirm.disabled = true;
    confirm.textContent = "Placing your order…";
    answer.replaceChildren();
    try {
      const shippingAddress = addressFrom("shipping");
      const payment = await card.payment();
      const body = { shippingAddress, billingAddress: same.checked ? shippingAddress : addressFrom("billing"), ...payment };
      let reply = await call("POST", "/checkout", body, { idempotencyKey });
      for (let tries = 0; reply.status === 409 && reply.body?.code === "IN_PROGRESS" && tries < 10; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        reply = await call("POST", "/checkout", body, { idempotencyKey });
      }
      if (reply.ok) {
        sessionStorage.setItem("preorder-shop.last-checkout", JSON.stringify(reply.body));
        location.hash = "#/success";
        return;
      }
      answer.replaceChildren(notice(refusalText(reply)));
    } catch (error) {
      answer.replaceChildren(notice(error.message));
    }
    sending = false;
    confirm.disabled = false;
    confirm.textContent = "Confirm Order";
  });
  show("Proceed to purchase", form);
  document.getElementById("shipping-country").addEventListener("change", showPreview);
  const [card] = await Promise.all([mountCard(cardArea, { id: "checkout-card" }), showPreview()]);
}

function successPage() {
  const result = JSON.parse(sessionStorage.getItem("preorder-shop.last-checkout") ?? "null");
  if (!result) return show("Thank you", h("p", {}, "No recent order in this tab."), h("a", { href: "#/account" }, "My Account"));
  show(
    "Thank you",
    h("p", { class: "notice ok", role: "status" }, result.message),
    h(
      "ul",
      { class: "order-numbers" },
      result.orders.map((order) =>
        h("li", {}, h("a", { href: `#/account/order/${order.orderNumber}`, class: "order-number" }, order.orderNumber),
          ` (${order.kind === "PREORDER" ? "pre-order" : "in stock"}): ${money(order.totalCents)}`),
      ),
    ),
    h("p", {}, `Grand total ${money(result.grandTotalCents)}`),
    h("a", { href: "#/account" }, "See your orders in My Account"),
  );
}

// ---------------------------------------------------------------- accounts
const PASSWORD_HINTS = [
  // M2 as the member types; the API's answer is final (it lists every broken rule).
  ["8 to 64 characters", (p) => p.length >= 8 && p.length <= 64],
  ["a lowercase letter", (p) => /[a-z]/.test(p)],
  ["an uppercase letter", (p) => /[A-Z]/.test(p)],
  ["a digit", (p) => /[0-9]/.test(p)],
  ["a symbol", (p) => /[^A-Za-z0-9\s]/.test(p)],
  ["no space", (p) => p.length > 0 && !/\s/.test(p)],
];

function passwordHints(input) {
  const list = h("ul", { class: "hints", id: `${input.id}-hints` }, PASSWORD_HINTS.map(([label]) => h("li", {}, label)));
  input.setAttribute("aria-describedby", list.id);
  input.addEventListener("input", () =>
    PASSWORD_HINTS.forEach(([label, ok], i) => {
      list.children[i].className = ok(input.value) ? "met" : "";
      list.children[i].textContent = `${ok(input.value) ? "✓" : "•"} ${label}`;
    }),
  );
  return list;
}

function signUpPage() {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const password = field("signup-password", "Password", { type: "password", autocomplete: "new-password", required: true });
  const form = h(
    "form",
    {},
    field("signup-name", "Name", { autocomplete: "name", required: true }),
    field("signup-email", "Email address", { type: "email", autocomplete: "email", required: true }),
    password,
    passwordHints(password.querySelector("input")),
    h("p", { class: "field inline" }, h("input", { id: "signup-terms", type: "checkbox" }), h("label", { for: "signup-terms" }, "I accept the terms of use (2026-04)")),
    h("p", { class: "field inline" }, h("input", { id: "signup-minor", type: "checkbox" }), h("label", { for: "signup-minor" }, "I am under 18 and my guardian agrees")),
    h("button", { type: "submit" }, "Sign up"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = value("signup-email").trim();
    const reply = await call(
      "POST",
      "/members",
      {
        email,
        password: value("signup-password"),
        name: value("signup-name").trim(),
        acceptTerms: document.getElementById("signup-terms").checked,
        termsVersion: "2026-04",
        isMinor: document.getElementById("signup-minor").checked,
      },
      { anonymous: true },
    );
    if (!reply.ok) return answer.replaceChildren(notice(refusalText(reply)));
    const signedIn = await signIn(email, value("signup-password"));
    if (signedIn.ok) await joinVisitorCart();
    answer.replaceChildren(
      notice(`Welcome! We sent a link to ${reply.body.email}: open it to confirm your address before your first order.`, "ok"),
      h("a", { href: "#/" }, "Browse the catalogue"),
    );
    renderNav();
  });
  show("Sign up", form);
}

function signInPage() {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const form = h(
    "form",
    {},
    field("signin-email", "Email address", { type: "email", autocomplete: "username", required: true }),
    field("signin-password", "Password", { type: "password", autocomplete: "current-password", required: true }),
    h("button", { type: "submit" }, "Sign in"),
    answer,
    h("p", {}, h("a", { href: "#/forgot" }, "Forgot your password?")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await signIn(value("signin-email").trim(), value("signin-password"));
    if (!reply.ok) return answer.replaceChildren(notice(refusalText(reply)));
    await joinVisitorCart();
    const next = sessionStorage.getItem("preorder-shop.after-sign-in") ?? "#/";
    sessionStorage.removeItem("preorder-shop.after-sign-in");
    location.hash = next;
    if (next === location.hash) route();
  });
  show("Sign in", form);
}

function forgotPage() {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const form = h(
    "form",
    {},
    field("forgot-email", "Email address", { type: "email", autocomplete: "email", required: true }),
    h("button", { type: "submit" }, "Email me a reset code"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await call("POST", "/members/password-reset", { email: value("forgot-email").trim() }, { anonymous: true });
    answer.replaceChildren(reply.ok ? notice(reply.body.message ?? "Check your mailbox.", "ok") : notice(refusalText(reply)));
  });
  show("Reset your password", form);
}

function resetPasswordPage(params) {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const password = field("reset-password", "New password", { type: "password", autocomplete: "new-password", required: true });
  const form = h(
    "form",
    {},
    field("reset-email", "Email address", { type: "email", value: params.get("email") ?? "", required: true }),
    field("reset-code", "Code from the email", { value: params.get("code") ?? "", required: true }),
    password,
    passwordHints(password.querySelector("input")),
    h("button", { type: "submit" }, "Set the new password"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await call(
      "POST",
      "/members/password-reset/confirm",
      { email: value("reset-email").trim(), code: value("reset-code").trim(), newPassword: value("reset-password") },
      { anonymous: true },
    );
    answer.replaceChildren(
      reply.ok ? notice("Your password is changed. Sign in with it.", "ok") : notice(refusalText(reply)),
      reply.ok ? h("a", { href: "/#/signin" }, "Sign in") : null,
    );
  });
  show("Choose a new password", form);
}

async function verifyEmailPage(params) {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const button = h("button", { type: "button", id: "confirm-email" }, "Confirm my email address");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const reply = await call("POST", "/members/verification", { token: params.get("token") ?? "" }, { anonymous: true });
    answer.replaceChildren(
      reply.ok ? notice("Your email address is confirmed. You can order now.", "ok") : notice(refusalText(reply)),
      h("a", { href: "/#/" }, "Back to the shop"),
    );
    button.disabled = reply.ok;
  });
  show("Confirm your email address", h("p", {}, "Confirm that you read mail at the address this link was sent to."), button, answer);
}

// ---------------------------------------------------------------- My Account
const STATE_WORDS = {
  RESERVED: "Reserved: waiting for its shipping date",
  SHIPPING_DATE_CONFIRMED: "Shipping date confirmed",
  SETTLEMENT_REQUESTED: "Payment requested",
  PAYMENT_FAILED: "Payment failed: pay again before the deadline",
  PAID: "Paid",
  SHIPPED: "Shipped",
  CANCELLED: "Cancelled",
};

async function accountPage() {
  if (!requireSignIn("#/account")) return;
  const reply = await call("GET", "/orders?limit=50");
  if (!reply.ok) return show("My Account", notice(refusalText(reply)));
  const rows = reply.body.orders.map((order) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, h("a", { href: `#/account/order/${order.orderNumber}`, class: "order-number" }, order.orderNumber)),
      h("td", { class: "state" }, STATE_WORDS[order.state] ?? order.state),
      h("td", {}, order.shippingDate ?? ""),
      h("td", {}, order.resettlementDeadline ? when(order.resettlementDeadline) : ""),
      h("td", {}, money(order.totalCents)),
    ),
  );
  show(
    "My Account",
    h("p", {}, `Signed in as ${session().email}.`),
    rows.length
      ? h(
          "table",
          { class: "orders" },
          h("caption", {}, "Your orders, newest first"),
          h("thead", {}, h("tr", {}, ["Order", "State", "Shipping date", "Pay again by", "Total"].map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, rows),
        )
      : h("p", {}, "No orders yet."),
    h("p", {}, h("a", { href: "#/support" }, "Support requests")),
    resendVerification(),
  );
}

/** M7: a new verification link; the API says when the address is already verified or too many were sent. */
function resendVerification() {
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const button = h("button", { type: "button" }, "Email me a new verification link");
  button.addEventListener("click", async () => {
    const reply = await call("POST", "/account/verification-email");
    answer.replaceChildren(reply.ok ? notice("A new link is on its way to your mailbox.", "ok") : notice(refusalText(reply)));
  });
  return h("section", {}, h("h2", {}, "Email address"), button, answer);
}

function addressText(a) {
  return [a.name, a.line1, a.line2, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(", ");
}

async function orderPage(orderNumber) {
  if (!requireSignIn(`#/account/order/${orderNumber}`)) return;
  const reply = await call("GET", `/orders/${encodeURIComponent(orderNumber)}`);
  if (!reply.ok) return show(`Order ${orderNumber}`, notice(refusalText(reply)));
  const order = reply.body;
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const sections = [
    h("p", { class: "state", id: "order-state" }, STATE_WORDS[order.state] ?? order.state),
    h("ul", {}, order.lines.map((line) => h("li", {}, `${line.quantity} × ${line.name} (release ${line.releaseDate}): ${money(line.lineTotalCents)}`))),
    h("p", {}, `Items ${money(order.itemsTotalCents)}, shipping ${money(order.shippingFeeCents)}, total ${money(order.totalCents)}`),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Ordered"), h("dd", {}, when(order.createdAt)),
      h("dt", {}, "Shipping date"), h("dd", {}, order.shippingDate ?? "not confirmed yet"),
      h("dt", {}, "Payment"), h("dd", {}, `${order.payment.state} (${order.payment.method})`),
      order.payment.resettlementDeadline && [h("dt", {}, "Pay again by"), h("dd", { id: "deadline" }, when(order.payment.resettlementDeadline))],
      h("dt", {}, "Ships to"), h("dd", {}, addressText(order.shippingAddress)),
      order.shipment && [h("dt", {}, "Shipment"), h("dd", {}, `${order.shipment.carrier ?? ""} ${order.shipment.trackingNumber ?? ""} ${when(order.shipment.shippedAt)}`)],
      order.cancelledAt && [h("dt", {}, "Cancelled"), h("dd", {}, `${when(order.cancelledAt)} (${order.cancellationReason ?? ""})`)],
    ),
  ];
  const act = async (method, path, body, done) => {
    const r = await call(method, path, body);
    if (r.ok) {
      await orderPage(orderNumber);
      main.querySelector(".answer")?.replaceChildren(notice(done, "ok"));
    } else answer.replaceChildren(notice(refusalText(r)));
  };
  // Every action is offered; the API refuses what the order's state does not allow, with its reason.
  if (order.state === "PAYMENT_FAILED") {
    const cardArea = h("div");
    const form = h("form", {}, h("h2", {}, "Pay again"), cardArea, h("button", { type: "submit" }, "Pay with this card"));
    const card = await mountCard(cardArea, { id: "resettle-card" });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const payment = await card.payment().catch((error) => answer.replaceChildren(notice(error.message)));
      if (payment) act("POST", `/orders/${order.orderNumber}/resettlement`, payment, "Thank you: the payment is requested again.");
    });
    sections.push(form);
  } else if (["RESERVED", "SHIPPING_DATE_CONFIRMED"].includes(order.state)) {
    const cardArea = h("div");
    const form = h("form", {}, h("h2", {}, "Change the payment method"), cardArea, h("button", { type: "submit" }, "Use this card"));
    const card = await mountCard(cardArea, { id: "method-card" });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const payment = await card.payment().catch((error) => answer.replaceChildren(notice(error.message)));
      if (payment) act("PUT", `/orders/${order.orderNumber}/payment-method`, payment, "The payment method is changed.");
    });
    sections.push(form);
  }
  if (order.state === "RESERVED") {
    const form = h("form", {}, addressFields("change", "Change the shipping address of this order"), h("button", { type: "submit" }, "Change the address"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      act("PUT", `/orders/${order.orderNumber}/shipping-address`, addressFrom("change"), "The shipping address is changed.");
    });
    sections.push(form);
  }
  sections.push(
    h("h2", {}, "Emails about this order"),
    order.history.length
      ? h("ul", { class: "history" }, order.history.map((e) => h("li", {}, `${when(e.sentAt)}: ${e.subject}`)))
      : h("p", {}, "None yet."),
    h("p", {}, h("a", { href: `#/support?order=${order.orderNumber}` }, "Ask customer support about this order")),
    answer,
  );
  show(`Order ${order.orderNumber}`, ...sections);
}

async function supportPage(params) {
  if (!requireSignIn("#/support")) return;
  const reply = await call("GET", "/support-requests?limit=50");
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const kind = h(
    "select",
    { id: "support-kind" },
    [["OTHER", "A question"], ["CANCELLATION", "Cancel an order"], ["DEFECT", "A defective figure"], ["WITHDRAWAL", "Close my account"]].map(
      ([v, label]) => h("option", { value: v }, label),
    ),
  );
  const form = h(
    "form",
    {},
    h("p", { class: "field" }, h("label", { for: "support-kind" }, "About"), kind),
    field("support-order", "Order number (for an order)", { value: params.get("order") ?? "" }),
    h("p", { class: "field" }, h("label", { for: "support-message" }, "Message"), h("textarea", { id: "support-message", rows: "4", required: true })),
    h("button", { type: "submit" }, "Send to customer support"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { kind: kind.value, message: value("support-message") };
    if (value("support-order").trim()) body.orderNumber = value("support-order").trim();
    const r = await call("POST", "/support-requests", body);
    if (r.ok) {
      await supportPage(new URLSearchParams());
      main.querySelector(".answer").replaceChildren(notice("Customer support has your request.", "ok"));
    } else answer.replaceChildren(notice(refusalText(r)));
  });
  const list = reply.ok
    ? h("ul", {}, (reply.body.requests ?? []).map((r) =>
        h("li", {}, h("a", { href: `#/support/${r.requestId}` }, `${when(r.createdAt)}: ${r.kind} ${r.orderNumber ?? ""}`), ` (${r.state}, ${r.messageCount} messages)`)))
    : notice(refusalText(reply));
  show("Customer support", form, h("h2", {}, "Your requests"), list);
}

async function supportRequestPage(requestId) {
  if (!requireSignIn(`#/support/${requestId}`)) return;
  const reply = await call("GET", `/support-requests/${encodeURIComponent(requestId)}`);
  if (!reply.ok) return show("Support request", notice(refusalText(reply)));
  const r = reply.body;
  const answer = h("div", { class: "answer", "aria-live": "polite" });
  const form = h(
    "form",
    {},
    h("p", { class: "field" }, h("label", { for: "again-message" }, "Write again"), h("textarea", { id: "again-message", rows: "4", required: true })),
    h("button", { type: "submit" }, "Send"),
    answer,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = await call("POST", `/support-requests/${r.requestId}/messages`, { message: value("again-message") });
    if (sent.ok) supportRequestPage(requestId);
    else answer.replaceChildren(notice(refusalText(sent)));
  });
  show(
    `Support request ${r.requestId}`,
    h("p", {}, `${r.kind}${r.orderNumber ? ` about order ${r.orderNumber}` : ""}: ${r.state}`),
    h("ol", { class: "history" }, r.messages.map((m) => h("li", {}, `${when(m.at)}, ${m.author === "STAFF" ? "customer support" : "you"}: ${m.text}`))),
    r.resolution ? h("p", {}, `Done: ${r.resolution.action.replaceAll("_", " ").toLowerCase()}`) : null,
    form,
  );
}

// ---------------------------------------------------------------- routing
/**
 * The emails link to real paths (template.yaml's FrontEndUrl + verify-email, reset-password, account/...):
 * each becomes the hash route of the same page, so every link inside the storefront works from there.
 */
function fromEmailLink() {
  const path = location.pathname.replace(/\/$/, "");
  const query = location.search.replace(/^\?/, "");
  const account = path.match(/\/account(?:\/(orders|support-requests)\/([^/]+))?$/);
  let hash = null;
  if (path.endsWith("/verify-email")) hash = `#/verify-email?${query}`;
  else if (path.endsWith("/reset-password")) hash = `#/reset-password?${query}`;
  else if (account) hash = account[1] === "orders" ? `#/account/order/${account[2]}` : account[1] ? `#/support/${account[2]}` : "#/account";
  if (hash) history.replaceState(null, "", `/${hash}`);
}

async function route() {
  if (location.hash === "#main") return; // the skip link, not a page
  const [hashPath, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = hashPath.split("/").filter(Boolean);
  const hashParams = new URLSearchParams(query);
  switch (parts[0]) {
    case undefined: return catalogue();
    case "product": return productPage(decodeURIComponent(parts[1] ?? ""));
    case "cart": return cartPage();
    case "checkout": return checkoutPage();
    case "success": return successPage();
    case "signup": return signUpPage();
    case "signin": return signInPage();
    case "forgot": return forgotPage();
    case "verify-email": return verifyEmailPage(hashParams);
    case "reset-password": return resetPasswordPage(hashParams);
    case "account": return parts[1] === "order" ? orderPage(decodeURIComponent(parts[2] ?? "")) : accountPage();
    case "support": return parts[1] ? supportRequestPage(decodeURIComponent(parts[1])) : supportPage(hashParams);
    default: return show("Not found", h("p", {}, "There is no such page."), h("a", { href: "#/" }, "Catalogue"));
  }
}

window.addEventListener("hashchange", route);
fromEmailLink();
const settings = await config();
if (settings.mailboxUrl) {
  // The local shop only: its emails are read in the local mailbox.
  document.querySelector("footer").append(h("p", {}, h("a", { href: settings.mailboxUrl }, "Local mailbox: the emails this shop sent")));
}
route();
