// make preview: reload when a rebuild succeeded; show build errors and the draft marker.
(() => {
  const me = document.currentScript;
  const seen = Number(me.dataset.version);
  const bar = document.createElement("div");
  bar.id = "ra-preview";
  bar.style.cssText =
    "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:50vh;overflow:auto;" +
    "font:14px/1.4 system-ui,sans-serif;color:#fff;background:#1d3b2a;padding:.5em 1em;" +
    "overflow-wrap:anywhere";
  const draft = location.pathname.startsWith("/drafts/");
  const text = (tag, content) => {
    const node = document.createElement(tag);
    node.textContent = content;
    return node;
  };
  const render = (state) => {
    bar.replaceChildren();
    bar.style.background = state.errors.length ? "#8b1a1a" : "#1d3b2a";
    bar.setAttribute("role", state.errors.length ? "alert" : "status");
    if (state.errors.length) {
      const n = state.errors.length;
      bar.append(text("strong", `Build failed: ${n} error${n === 1 ? "" : "s"}. ` +
        "This is the last good build; fix these and save:"));
      const list = document.createElement("ul");
      list.style.margin = ".25em 0";
      for (const error of state.errors) list.append(text("li", error));
      bar.append(list);
    } else if (draft) {
      bar.append(text("strong", "Draft: "),
        text("span", "only the preview shows this page; set Status: published to publish it."));
    } else if (state.building) {
      bar.append(text("span", "Rebuilding…"));
    } else {
      bar.append(text("span", "Preview"));
    }
    if (state.drafts.length) {
      bar.append(text("span", ` · Drafts (${state.drafts.length}): `));
      state.drafts.forEach((d, i) => {
        const link = text("a", d.title);
        link.href = d.path;
        link.style.color = "#fff";
        bar.append(i ? ", " : "", link);
      });
    }
  };
  document.addEventListener("DOMContentLoaded", () => document.body.append(bar));
  const events = new EventSource("/__preview/events");
  events.onmessage = (message) => {
    const state = JSON.parse(message.data);
    if (state.version > seen && !state.errors.length) {
      location.reload();
      return;
    }
    render(state);
  };
})();
