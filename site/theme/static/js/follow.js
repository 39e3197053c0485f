// "Follow us on the fediverse" island (loaded only on pages with the box): a Copy button for
// the handle, and the remote-follow form, which sends the reader to their own server's
// authorize-interaction page for our actor. Without JavaScript the handle is plain text.
(() => {
  "use strict";

  // "mastodon.social", "https://mastodon.social/", "@me@mastodon.social" -> "mastodon.social"
  function serverHost(text) {
    let value = String(text || "").trim();
    if (!value) return null;
    if (value.includes("@") && !value.includes("/")) value = value.slice(value.lastIndexOf("@") + 1);
    try {
      const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
      return url.host && url.host.includes(".") ? url.host : null;
    } catch {
      return null;
    }
  }

  function start(box) {
    const status = box.querySelector(".follow-status");
    const copy = box.querySelector("[data-copy]");
    if (copy) {
      copy.addEventListener("click", async () => {
        try {
          if (!navigator.clipboard) throw new Error("no clipboard");
          await navigator.clipboard.writeText(copy.dataset.copy);
          status.textContent = `Copied ${copy.dataset.copy}`;
        } catch {
          status.textContent = "Could not copy: select the handle and copy it yourself.";
        }
      });
    }
    const form = box.querySelector("[data-remote-follow]");
    if (!form) return;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const host = serverHost(form.elements.server.value);
      if (!host) {
        status.textContent = "Please enter your server's address, such as mastodon.social.";
        return;
      }
      const target = new URL(`https://${host}/authorize_interaction`);
      target.searchParams.set("uri", box.dataset.actor);
      window.location.assign(target.toString());
    });
  }

  for (const box of document.querySelectorAll("[data-follow]")) start(box);
})();
