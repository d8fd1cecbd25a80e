// The card step, alone in this module: switching how the card is captured changes this file only.
// The card is saved with Stripe Elements on a SetupIntent of the member's Stripe Customer
// (POST /payments/setup-intents); the API then takes its `paymentMethodId` (docs/decisions.md,
// "The card step is one module"). Locally Stripe.js is the local Stripe's stand-in (config.json's stripeJsUrl).
import { call, config, h, notice, refusalText } from "./api.js";

/** Stripe's documented test cards (https://docs.stripe.com/testing#cards; docs/local.md), shown by the local shop only. */
const TEST_CARDS = [
  ["4242 4242 4242 4242", "saved, every charge paid"],
  ["4000 0000 0000 0341", "saved, every charge declined (card_declined)"],
  ["4000 0027 6000 3184", "saved, every charge asks to authenticate"],
  ["4000 0000 0000 0002", "refused when saved (card_declined)"],
];

let stripeJs;

function loadStripe(url) {
  stripeJs ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve(window.Stripe);
    script.onerror = () => reject(new Error("The card form could not be loaded; check your connection and try again."));
    document.head.append(script);
  });
  return stripeJs;
}

/**
 * Mount the card step into `container`. Returns {payment()} that resolves to the fields the API's
 * checkout (and payment-method change, re-settlement) take, or throws an Error whose message a person reads.
 */
export async function mountCard(container, { id = "card" } = {}) {
  const settings = await config();
  const [Stripe, intent] = await Promise.all([loadStripe(settings.stripeJsUrl), call("POST", "/payments/setup-intents")]);
  if (!intent.ok) {
    container.replaceChildren(notice(refusalText(intent)));
    return {
      async payment() {
        throw new Error(refusalText(intent));
      },
    };
  }
  const stripe = Stripe(intent.body.publishableKey);
  const card = stripe.elements().create("card");
  const area = h("div", { id: `${id}-element`, class: "card-element" });
  container.replaceChildren(
    h("p", { id: `${id}-label` }, "Card"),
    area,
    !settings.testCards
      ? null
      : h("ul", { class: "hints" }, TEST_CARDS.map(([number, what]) => h("li", {}, `${number}: ${what} (any future date, any CVC)`))),
  );
  card.mount(area);
  let saved = null; // a SetupIntent succeeds once: a retry of the same step reuses its PaymentMethod
  return {
    async payment() {
      if (!saved) {
        const result = await stripe.confirmCardSetup(intent.body.clientSecret, { payment_method: { card } });
        if (result.error) throw new Error(result.error.message ?? "The card was not accepted.");
        saved = result.setupIntent.payment_method;
      }
      return { paymentMethodId: saved };
    },
  };
}
