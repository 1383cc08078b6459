// The demo page's embed snippet names this service's own origin. It is filled in here, from the
// address the reader's browser used, rather than from the request's Host header on the server, which
// a client or a cache in between could set to anything. VRAAGBAAK_PUBLIC_URL fixes it on the server.
for (const el of document.querySelectorAll(".origin[data-from-browser]")) {
  el.textContent = window.location.origin;
}
