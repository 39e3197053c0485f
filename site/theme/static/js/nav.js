// Marks external links so they open as ordinary links but are announced as leaving the site.
// Progressive enhancement only: every page works without it.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("main a[href^='http']")) {
    if (new URL(link.href).origin !== window.location.origin) link.rel = "noopener external";
  }
});
