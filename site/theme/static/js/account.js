// Rose Ash account island: the member's dashboard on the static site's account page.
//
// Without JavaScript the page explains the account and offers the commerce API's
// server-rendered sign-in form. With it, this script asks the API who is signed in (the
// session cookie, sent with credentials: "include") and shows the profile, orders, tickets,
// bookings (with cancel) and newsletters (subscribe / unsubscribe). Every state-changing
// request echoes the session's CSRF token (from GET /account/session) in X-CSRF-Token; the
// API refuses cookie-authenticated changes without it. Errors show the API's problem detail.
// Plain browser JavaScript, no framework; it does nothing on pages without [data-account].
//
// API base URL: data-commerce-api on [data-account], else <meta name="commerce-api">.
(() => {
  "use strict";

  const root = document.querySelector("[data-account]");
  if (!root) return;

  const meta = document.querySelector('meta[name="commerce-api"]');
  const api = (root.dataset.commerceApi || (meta && meta.content) || "").trim().replace(/\/+$/, "");
  const state = { csrf: null, message: null };

  // --- small helpers ------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function when(iso) {
    if (!iso) return "";
    const date = new Date(iso);
    return Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleString(document.documentElement.lang || "en-GB", {
          dateStyle: "medium",
          timeStyle: "short",
        });
  }

  // An API error as a sentence (RFC 9457 problem bodies: title, detail, field).
  async function problemMessage(response) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (body && typeof body === "object" && (body.title || body.detail)) {
      const { title, detail } = body;
      return title && detail && title !== detail ? `${title}: ${detail}.` : String(title || detail);
    }
    if (response.status >= 500) return "Your account is not answering right now. Please try again.";
    return `That did not work (error ${response.status}).`;
  }

  async function call(method, path, body) {
    const init = { method, credentials: "include", headers: { Accept: "application/json" } };
    if (method !== "GET" && state.csrf) init.headers["X-CSRF-Token"] = state.csrf;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(api + path, init);
    } catch {
      throw new Error("Could not reach your account. Check your connection and try again.");
    }
    if (!response.ok) {
      const error = new Error(await problemMessage(response));
      error.status = response.status;
      throw error;
    }
    return response.status === 204 ? null : response.json();
  }

  function say(text, { error = false } = {}) {
    if (!state.message) return;
    state.message.textContent = text;
    state.message.className = error ? "account-error" : "account-status";
    state.message.setAttribute("role", error ? "alert" : "status");
  }

  // Run an action from a button or form: disable it meanwhile, report success or the problem.
  async function act(control, action, done) {
    control.disabled = true;
    try {
      await action();
      if (done) say(done);
    } catch (error) {
      say(error.message, { error: true });
    } finally {
      control.disabled = false;
    }
  }

  function section(title, name, ...children) {
    return el("section", { "data-account-section": name }, el("h2", { text: title }), ...children);
  }

  function list(items, empty, render) {
    if (!items.length) return el("p", { class: "account-status", text: empty });
    return el("ul", {}, ...items.map(render));
  }

  // --- signed out ---------------------------------------------------------------------------

  function renderSignedOut() {
    const email = el("input", { type: "email", name: "email", autocomplete: "email", required: true });
    const password = el("input", {
      type: "password",
      name: "password",
      autocomplete: "new-password",
      required: true,
    });
    const name = el("input", { type: "text", name: "display_name", autocomplete: "name" });
    const button = el("button", { type: "submit", text: "Create account" });
    const form = el(
      "form",
      {
        "data-account-register": "",
        onsubmit: (event) => {
          event.preventDefault();
          act(
            button,
            async () => {
              await call("POST", "/account/register", {
                email: email.value,
                password: password.value,
                display_name: name.value || null,
              });
              form.reset();
            },
            "Check your inbox: we sent a link to confirm your address.",
          );
        },
      },
      el("label", {}, "Email", email),
      el("label", {}, "Password (at least 10 characters)", password),
      el("label", {}, "Name (optional)", name),
      button,
    );
    root.append(section("New here? Create an account", "register", form));
  }

  // --- signed in ----------------------------------------------------------------------------

  function profileSection(member) {
    const name = el("input", {
      type: "text",
      name: "display_name",
      value: member.display_name || "",
      autocomplete: "name",
    });
    const save = el("button", { type: "submit", class: "secondary", text: "Save name" });
    const signOut = el("button", { type: "button", class: "secondary", text: "Sign out" });
    signOut.addEventListener("click", () =>
      act(signOut, async () => {
        await call("POST", "/account/signout");
        window.location.reload();
      }),
    );
    return section(
      "Profile",
      "profile",
      el(
        "p",
        {},
        "Signed in as ",
        el("strong", { "data-account-email": "", text: member.email }),
        member.email_verified ? " (address confirmed)." : " (address not confirmed yet).",
      ),
      el(
        "form",
        {
          onsubmit: (event) => {
            event.preventDefault();
            act(
              save,
              async () => {
                await call("PATCH", "/account/profile", { display_name: name.value });
              },
              "Your name is saved.",
            );
          },
        },
        el("label", {}, "Name", name),
        save,
      ),
      el("p", {}, signOut),
    );
  }

  function orderLine(order) {
    const items = order.lines.map((line) => `${line.quantity} × ${line.title}`).join(", ");
    return el(
      "li",
      { "data-order": order.reference },
      el("span", {}, el("strong", { text: order.reference }), ` ${items}`),
      el("span", { text: `${order.total_text || ""} · ${order.state}` }),
    );
  }

  function ticketLine(ticket) {
    const event = ticket.event_title ? `${ticket.event_title}, ${when(ticket.starts_at)}` : "";
    return el(
      "li",
      { "data-ticket": ticket.code },
      el("span", {}, el("strong", { text: ticket.title }), event ? ` ${event}` : ""),
      el("span", { text: `${ticket.code} · ${ticket.state}` }),
    );
  }

  function bookingLine(booking, refresh) {
    const items = booking.lines.map((line) => `${line.quantity} × ${line.title}`).join(", ");
    const cancel = el("button", { type: "button", class: "secondary", text: "Cancel booking" });
    cancel.addEventListener("click", () =>
      act(
        cancel,
        async () => {
          await call("POST", `/account/bookings/${encodeURIComponent(booking.reference)}/cancel`);
          await refresh();
        },
        `Booking ${booking.reference} is cancelled; the place is free for someone else.`,
      ),
    );
    return el(
      "li",
      { "data-booking": booking.reference, "data-state": booking.state },
      el("span", {}, el("strong", { text: booking.reference }), ` ${items} · ${booking.state}`),
      booking.state === "paid" ? cancel : null,
    );
  }

  const STATUS_TEXT = {
    subscribed: "You receive it.",
    pending: "Waiting for you to confirm: check your inbox.",
    unsubscribed: "You left it.",
  };

  function newsletterLine(newsletter, status, refresh) {
    const subscribed = status === "subscribed";
    const button = el("button", {
      type: "button",
      class: subscribed ? "secondary" : null,
      text: subscribed ? "Unsubscribe" : status === "pending" ? "Send the link again" : "Subscribe",
    });
    const id = encodeURIComponent(newsletter.id);
    button.addEventListener("click", () =>
      act(
        button,
        async () => {
          if (subscribed) await call("POST", `/account/newsletters/${id}/unsubscribe`);
          else await call("POST", `/newsletters/${id}/subscribe`, {});
          await refresh();
        },
        subscribed
          ? `You left ${newsletter.title}.`
          : `Check your inbox: confirm that you want ${newsletter.title}.`,
      ),
    );
    return el(
      "li",
      { "data-newsletter": newsletter.id, "data-status": status || "none" },
      el(
        "span",
        {},
        el("strong", { text: newsletter.title }),
        ` ${newsletter.description} `,
        el("span", { class: "account-status", text: STATUS_TEXT[status] || "" }),
      ),
      button,
    );
  }

  // A section whose content comes from the API; on failure it shows its own error.
  function loadingSection(title, name, load) {
    const body = el("div", {}, el("p", { class: "account-status", text: "Loading…" }));
    const node = section(title, name, body);
    async function refresh() {
      try {
        body.replaceChildren(await load(refresh));
      } catch (error) {
        body.replaceChildren(el("p", { class: "account-error", role: "alert", text: error.message }));
      }
    }
    refresh();
    return node;
  }

  function renderDashboard(member) {
    root.replaceChildren(
      state.message, // start()'s status line
      profileSection(member),
      loadingSection("Orders", "orders", async () =>
        list(await call("GET", "/account/orders"), "No orders yet.", orderLine),
      ),
      loadingSection("Tickets", "tickets", async () =>
        list(await call("GET", "/account/tickets"), "No tickets yet.", ticketLine),
      ),
      loadingSection("Bookings", "bookings", async (refresh) =>
        list(await call("GET", "/account/bookings"), "No bookings.", (b) => bookingLine(b, refresh)),
      ),
      loadingSection("Newsletters", "newsletters", async (refresh) => {
        const [all, mine] = await Promise.all([
          call("GET", "/newsletters/"),
          call("GET", "/account/newsletters"),
        ]);
        const status = Object.fromEntries(mine.map((s) => [s.newsletter_id, s.status]));
        return list(all, "There are no newsletters yet.", (n) =>
          newsletterLine(n, status[n.id], refresh),
        );
      }),
    );
  }

  async function start() {
    if (!api) return; // no API configured: the plain page is all there is
    state.message = el("p", { class: "account-status", role: "status", "aria-live": "polite" });
    root.prepend(state.message);
    let session;
    try {
      session = await call("GET", "/account/session");
    } catch (error) {
      if (error.status === 401) renderSignedOut();
      else say(error.message, { error: true });
      return;
    }
    state.csrf = session.csrf_token;
    renderDashboard(session.member);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
