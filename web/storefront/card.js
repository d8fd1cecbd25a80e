// The card step, alone in this module: switching how the card is captured changes this file only.
// Today the shop's API takes a `paymentToken` (the local payment sandbox's test tokens); with Stripe
// Elements it takes a `paymentMethodId` (docs/decisions.md, "Storefront and console").
import { h } from "./api.js";

/** Local test cards: the local payment sandbox's documented tokens (local/sandbox.py). */
const TEST_CARDS = [
  ["tok_success", "Visa ending 4242: always paid"],
  ["tok_declined", "Declined card: the charge fails (card_declined)"],
  ["tok_fail_once", "Insufficient funds once, then paid"],
];

/**
 * Mount the card step into `container`. Returns {payment()} that resolves to the fields the API's
 * checkout (and payment-method change, re-settlement) take, or throws an Error whose message a person reads.
 */
export async function mountCard(container, { id = "card" } = {}) {
  const select = h(
    "select",
    { id: `${id}-token`, name: "paymentToken" },
    TEST_CARDS.map(([token, label]) => h("option", { value: token }, label)),
  );
  container.replaceChildren(
    h("label", { for: `${id}-token` }, "Card (test cards of the local shop)"),
    select,
  );
  return {
    async payment() {
      return { paymentToken: select.value };
    },
  };
}
