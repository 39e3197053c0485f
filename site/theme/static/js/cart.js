// Rose Ash cart island: progressive enhancement over the plain "Add to cart" forms.
//
// Without JavaScript each form posts to the commerce API and works on its own. With it, this
// script adds items over fetch (JSON, no page load), shows a cart summary in the header, and
// sends the shopper to SumUp's hosted checkout. Prices and totals always come from the API;
// the page only sends ids and quantities. Plain browser JavaScript, no framework, no imports:
// it runs the same whether loaded as a module or a deferred classic script.
//
// API base URL: <meta name="commerce-api" content="https://api.example">, else a
// data-commerce-api attribute on <html>, else the origin of the first cart form's action.
(() => {
  "use strict";

  const TOKEN_KEY = "ra_cart_token";
  const CHECKOUT_KEY = "ra_checkout_attempt";
  const FORM_SELECTOR = "form.add-to-cart, form[data-cart-form]";

  const state = { api: "", cart: null, busy: false, ui: null, email: "" };
  const RETRY_STATES = ["failed", "expired", "cancelled"];

  // --- small helpers ------------------------------------------------------------------------

  function apiBase() {
    const meta = document.querySelector('meta[name="commerce-api"]');
    const fromMeta = meta && meta.content.trim();
    const fromAttr = document.documentElement.dataset.commerceApi;
    if (fromMeta || fromAttr) return (fromMeta || fromAttr).replace(/\/+$/, "");
    const form = document.querySelector(FORM_SELECTOR);
    if (form && form.action) {
      const url = new URL(form.action, window.location.href);
      return url.origin + url.pathname.replace(/\/cart\/items\/?$/, "").replace(/\/+$/, "");
    }
    return "";
  }

  function storage(kind) {
    try {
      const store = window[kind];
      store.setItem("__ra_probe", "1");
      store.removeItem("__ra_probe");
      return store;
    } catch {
      return null; // private mode or storage disabled: the cookie still carries the cart
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  const getToken = () => (local ? local.getItem(TOKEN_KEY) : null);
  function setToken(token) {
    if (!local) return;
    if (token) local.setItem(TOKEN_KEY, token);
    else local.removeItem(TOKEN_KEY);
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  // An API error as a sentence a shopper can act on (RFC 9457 problem bodies name the field).
  async function problemMessage(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (body && typeof body === "object") {
      const errors = Array.isArray(body.errors) ? body.errors : [];
      const first = errors.find((e) => e && (e.message || e.detail));
      const detail = body.detail || (first && (first.message || first.detail)) || body.title;
      if (detail) return String(detail);
    }
    if (response.status === 404) return "That item is no longer on sale.";
    if (response.status >= 500) return "The shop is not answering right now. Please try again.";
    return `The shop could not do that (error ${response.status}).`;
  }

  async function call(method, path, { body, headers = {} } = {}) {
    const token = getToken();
    const init = {
      method,
      credentials: "include",
      headers: { Accept: "application/json", ...headers },
    };
    if (token) init.headers["X-Cart-Token"] = token;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(state.api + path, init);
    } catch {
      throw new Error("Could not reach the shop. Check your connection and try again.");
    }
    if (!response.ok) {
      const error = new Error(await problemMessage(response));
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  function remember(cart) {
    state.cart = cart;
    if (cart && cart.token) setToken(cart.token);
    render();
  }

  // --- the cart summary in the header -------------------------------------------------------

  // The header's no-JavaScript "Cart" form ([data-cart-slot]) becomes a button that opens a
  // drawer: fixed to the screen's right edge and never wider than the screen (site.css).
  function buildWidget() {
    const count = el("span", { class: "ra-cart__count", "data-cart-count": "", text: "0" });
    const panelId = "ra-cart-panel";
    const toggle = el(
      "button",
      {
        type: "button",
        class: "ra-cart__toggle",
        "aria-expanded": "false",
        "aria-controls": panelId,
        onclick: () => setOpen(toggle.getAttribute("aria-expanded") !== "true"),
      },
      "Cart (",
      count,
      ")",
    );
    const close = el("button", {
      type: "button",
      class: "secondary",
      "data-cart-close": "",
      text: "Close",
      onclick: () => {
        setOpen(false);
        toggle.focus();
      },
    });
    const body = el("div", { class: "ra-cart__body" });
    const panel = el(
      "div",
      { id: panelId, class: "ra-cart__panel", role: "region", "aria-label": "Your cart", hidden: "" },
      el("div", { class: "ra-cart__head" }, el("h2", { text: "Your cart" }), close),
      body,
    );
    const message = el("p", { class: "ra-cart-status", role: "status", "aria-live": "polite" });
    const root = el("div", { class: "ra-cart", "data-cart": "" }, toggle, panel);
    const slot = document.querySelector("[data-cart-slot]");
    if (slot) slot.replaceWith(root);
    else (document.querySelector(".site-header") || document.body).append(root);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        setOpen(false);
        toggle.focus();
      }
    });
    return { root, toggle, count, panel, body, message };
  }

  function setOpen(open) {
    state.ui.toggle.setAttribute("aria-expanded", String(open));
    state.ui.panel.hidden = !open;
    if (open) state.ui.panel.querySelector("[data-cart-close]").focus();
  }

  function render() {
    const ui = state.ui;
    const cart = state.cart;
    const lines = (cart && cart.lines) || [];
    const items = lines.reduce((sum, line) => sum + line.quantity, 0);
    ui.count.textContent = String(items);
    ui.body.replaceChildren();
    if (!lines.length) {
      ui.body.append(el("p", { text: "Your cart is empty." }), ui.message);
      return;
    }
    const list = el("ul");
    for (const line of lines) {
      const label = `${line.quantity} × ${line.title}`;
      list.append(
        el(
          "li",
          { "data-cart-line": line.item_id },
          el("span", { text: label + (line.available === false ? " (no longer available)" : "") }),
          el("span", { text: line.line_total_text || "" }),
          el("button", {
            type: "button",
            class: "ra-cart__remove",
            "aria-label": `Remove ${line.title}`,
            text: "Remove",
            onclick: () => removeLine(line.item_id),
          }),
        ),
      );
    }
    const amount = cart.total_text || ""; // formatted by the API as every page prints it
    const total = el("p", {}, "Total ", el("strong", { "data-cart-total": "", text: amount }));
    // The same question the no-JavaScript cart page asks: tickets are sent by email.
    const needsEmail = lines.some((line) => line.kind === "ticket");
    const email = el("input", {
      type: "email",
      id: "ra-cart-email",
      name: "email",
      autocomplete: "email",
      "data-checkout-email": "",
      oninput: () => {
        state.email = email.value;
      },
    });
    email.value = state.email;
    email.required = needsEmail;
    const emailText = needsEmail
      ? "Email for your tickets and receipt"
      : "Email for your receipt (optional)";
    const emailField = el("p", {}, el("label", { for: "ra-cart-email", text: emailText }), email);
    const checkout = el("button", {
      type: "button",
      class: "ra-cart__checkout",
      "data-checkout": "",
      text: "Checkout",
      onclick: () => startCheckout(checkout),
    });
    ui.body.append(list, total, emailField, checkout, ui.message);
  }

  function say(target, text, isError = false) {
    target.textContent = text;
    target.classList.toggle("ra-cart-status--error", isError);
    target.setAttribute("role", isError ? "alert" : "status");
  }

  // --- actions --------------------------------------------------------------------------------

  async function loadCart() {
    if (!getToken()) return render();
    try {
      remember(await call("GET", "/cart/"));
    } catch (error) {
      if (error.status === 404 || error.status === 400) setToken(null); // expired or unknown cart
      state.cart = null;
      render();
    }
  }

  async function addFromForm(form, status) {
    const data = new FormData(form);
    const itemId =
      data.get("item_id") || form.dataset.productId || form.dataset.ticketId || form.dataset.itemId;
    const quantity = Number.parseInt(String(data.get("quantity") || "1"), 10);
    if (!Number.isInteger(quantity) || quantity < 1) {
      say(status, "Please enter a quantity of at least 1.", true);
      return;
    }
    const button = form.querySelector('button[type="submit"], button:not([type])');
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const cart = await call("POST", "/cart/items", { body: { item_id: itemId, quantity } });
      remember(cart);
      const line = (cart.lines || []).find((l) => l.item_id === itemId);
      const title = (line && line.title) || form.dataset.productTitle || "the item";
      say(status, `Added ${quantity} × ${title} to your cart.`);
      if (session) session.removeItem(CHECKOUT_KEY); // the cart changed: a new checkout attempt
    } catch (error) {
      say(status, error.message, true);
    } finally {
      if (button) button.disabled = false;
      form.removeAttribute("aria-busy");
    }
  }

  async function removeLine(itemId) {
    try {
      remember(await call("DELETE", `/cart/items/${encodeURIComponent(itemId)}`));
      if (session) session.removeItem(CHECKOUT_KEY);
    } catch (error) {
      say(state.ui.message, error.message, true);
    }
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // One Idempotency-Key per attempt at checking out this cart: a retry after a network error
  // or a 503 reuses it, so the API returns the same order instead of making a second one.
  function attemptKey() {
    const token = getToken() || "cookie";
    const saved = session && JSON.parse(session.getItem(CHECKOUT_KEY) || "null");
    if (saved && saved.token === token) return saved.key;
    const key = newKey();
    if (session) session.setItem(CHECKOUT_KEY, JSON.stringify({ token, key }));
    return key;
  }

  async function startCheckout(button) {
    if (state.busy) return;
    const email = state.email.trim();
    const lines = (state.cart && state.cart.lines) || [];
    if (!email && lines.some((line) => line.kind === "ticket")) {
      say(state.ui.message, "Please give your email address: your tickets are sent there.", true);
      const field = state.ui.body.querySelector("[data-checkout-email]");
      if (field) field.focus();
      return;
    }
    state.busy = true;
    button.disabled = true;
    say(state.ui.message, "Starting a secure payment…");
    try {
      const order = await call("POST", "/checkout", {
        body: email ? { email } : {},
        headers: { "Idempotency-Key": attemptKey() },
      });
      if (session && order.token) session.setItem("ra_last_order", order.token);
      const orderState = String(order.state || "").toLowerCase();
      if (order.hosted_checkout_url && orderState === "pending") {
        window.location.assign(order.hosted_checkout_url);
        return;
      }
      if (orderState === "paid" || orderState === "fulfilled") {
        // Nothing to pay (a free booking): the order is already confirmed.
        setToken(null);
        if (session) session.removeItem(CHECKOUT_KEY);
        state.cart = null;
        render();
        say(state.ui.message, `Booked: your reference is ${order.reference}.`);
        return;
      }
      const retry = "Your order is saved, but payment could not start. Please try again.";
      say(state.ui.message, retry, true);
    } catch (error) {
      say(state.ui.message, error.message, true);
    } finally {
      state.busy = false;
      button.disabled = false;
    }
  }

  function orderDetails(order) {
    const lines = el("ul", { class: "ra-order__lines" });
    for (const line of order.lines || []) {
      const amount = line.line_total_text || "";
      lines.append(el("li", { text: `${line.quantity} × ${line.title}: ${amount}` }));
    }
    const parts = [
      el("p", {}, "Reference ", el("strong", { text: order.reference || "" })),
      lines,
      el("p", { text: `Total ${order.total_text || ""}` }),
    ];
    const tickets = order.tickets || [];
    if (tickets.length) {
      const list = el("ul", { class: "ra-order__tickets" });
      for (const ticket of tickets) {
        list.append(el("li", {}, "Ticket ", el("code", { text: ticket.code })));
      }
      parts.push(el("p", { text: "Show these codes at the door:" }), list);
    }
    return el("div", { class: "ra-order", "data-order-details": "" }, ...parts);
  }

  // After paying, the shop sends the shopper back with ?order=<token>: show where it stands.
  // A payment still being confirmed is asked about again a few times (bounded).
  async function showOrder() {
    const token = new URLSearchParams(window.location.search).get("order");
    if (!token) return;
    let target = document.querySelector("[data-order-status]");
    if (!target) {
      target = el("p", { class: "ra-cart-status", "data-order-status": "", role: "status" });
      (document.querySelector("main") || document.body).prepend(target);
    }
    for (let attempt = 0; attempt < 6; attempt += 1) {
      let order;
      try {
        order = await call("GET", `/orders/${encodeURIComponent(token)}`);
      } catch (error) {
        say(target, error.message, true);
        return;
      }
      const status = String(order.state || order.status || "").toLowerCase();
      target.dataset.orderState = status;
      say(target, order.state_text || `Order status: ${status}`);
      const old = document.querySelector("[data-order-details]");
      if (old) old.remove();
      target.after(orderDetails(order));
      if (status === "paid" || status === "fulfilled") {
        setToken(null);
        if (session) session.removeItem(CHECKOUT_KEY);
        state.cart = null;
        render();
      }
      if (RETRY_STATES.includes(status)) target.after(retryForm(token));
      if (status !== "pending") return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  // The − / + buttons beside a quantity field (shown by site.css once html has class "js").
  function step(button) {
    const input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input || input.disabled) return;
    const min = Number(input.min || 1);
    const max = input.max ? Number(input.max) : Infinity;
    const next = (Number.parseInt(input.value, 10) || min) + Number(button.dataset.step);
    input.value = String(Math.min(max, Math.max(min, next)));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function enhanceSteppers() {
    for (const button of document.querySelectorAll("button[data-step]")) {
      button.addEventListener("click", () => step(button));
    }
  }

  // A declined, expired or cancelled payment gave the lines back to the cart: "Try again"
  // posts to the API, which checks them out anew and sends the browser on to SumUp.
  function retryForm(token) {
    const old = document.querySelector("[data-retry]");
    if (old) old.remove();
    const action = `${state.api}/orders/${encodeURIComponent(token)}/retry`;
    return el(
      "form",
      { method: "post", action, "data-retry": "" },
      el("button", { type: "submit", text: "Try again" }),
    );
  }

  function enhanceForms() {
    for (const form of document.querySelectorAll(FORM_SELECTOR)) {
      const status = el("p", { class: "ra-cart-status", role: "status", "aria-live": "polite" });
      form.after(status);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        addFromForm(form, status);
      });
    }
  }

  function start() {
    enhanceSteppers();
    state.api = apiBase();
    if (!state.api || !window.fetch) return; // the plain forms keep working
    state.ui = buildWidget();
    enhanceForms();
    render();
    loadCart().then(showOrder);
    document.documentElement.dataset.cartReady = "true";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
