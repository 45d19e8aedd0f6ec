// Every htmx request shows that it runs, and how it failed, where it was made.
// The words come from data-* attributes on <body> (translated on the server).
(function () {
  "use strict";

  var words = document.body.dataset;
  var statuses = new WeakMap();  // requesting element -> its status line
  // request (its xhr) -> the element that made it. An element that replaces itself (hx-swap="outerHTML") is
  // gone when the request ends: htmx then fires afterRequest on an ancestor, which names that ancestor as elt.
  var requesters = new WeakMap();

  // Polls (hx-trigger "every ...") run quietly; only their failures are shown.
  function isPoll(elt) {
    return /\bevery\b/.test(elt.getAttribute("hx-trigger") || "");
  }

  // The status line sits inside the form that sent the request, or right after the element.
  function statusOf(elt) {
    var line = statuses.get(elt);
    if (line && line.isConnected) { return line; }
    line = document.createElement("p");
    line.className = "htmx-status";
    line.setAttribute("role", "status");
    if (elt.tagName === "FORM") { elt.appendChild(line); } else { elt.insertAdjacentElement("afterend", line); }
    statuses.set(elt, line);
    return line;
  }

  function show(elt, text, failed) {
    var line = statusOf(elt);
    line.textContent = text;
    line.classList.toggle("error", failed);
    line.setAttribute("role", failed ? "alert" : "status");
    line.dataset.failed = failed ? "1" : "";
  }

  function busyHolder(elt) {
    return elt.form || elt.closest("form") || elt;
  }

  function failureText(xhr) {
    var text = (xhr.responseText || "").trim();
    // The app explains a refusal in a short plain-text answer ("This workspace is read-only..."): show it.
    if (xhr.status < 500 && text && text.length < 300 && text.indexOf("<") === -1) { return text; }
    if (xhr.status === 401 || xhr.status === 400) { return words.msgSession; }
    if (xhr.status === 403) { return words.msgForbidden; }
    if (xhr.status === 413) { return words.msgTooLarge; }
    return words.msgServer;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var holder = busyHolder(elt);
    requesters.set(event.detail.xhr, elt);
    // An earlier "Saved." must not stand beside a change that has not been saved yet.
    [holder, event.detail.target].forEach(function (root) {
      if (root) { root.querySelectorAll(".saved").forEach(function (saved) { saved.remove(); }); }
    });
    holder.setAttribute("aria-busy", "true");
    if (isPoll(elt)) {
      var line = statuses.get(elt);
      if (line) { line.textContent = ""; line.classList.remove("error"); line.dataset.failed = ""; }
    } else {
      show(elt, words.msgBusy, false);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var xhr = detail.xhr;
    // A redirect on an htmx request is the sign-in page: the session ended. Never swap it in.
    var asked = detail.pathInfo && detail.pathInfo.requestPath;
    if (asked && xhr.responseURL && new URL(xhr.responseURL).pathname !== new URL(asked, location.href).pathname) {
      detail.shouldSwap = false;
      detail.isError = false;
      show(detail.elt, words.msgSession, true);
      return;
    }
    // 422: the form came back with its errors; put it where it came from (the root element's id).
    if (xhr.status === 422) {
      var match = /^\s*<[a-z]+\b[^>]*\sid="([^"]+)"/i.exec(xhr.responseText);
      var home = match && document.getElementById(match[1]);
      detail.shouldSwap = true;
      detail.isError = false;
      if (home) { detail.target = home; detail.swapOverride = "outerHTML"; }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    show(event.detail.elt, failureText(event.detail.xhr), true);
  });
  document.addEventListener("htmx:sendError", function (event) {
    show(event.detail.elt, words.msgOffline, true);
  });
  document.addEventListener("htmx:timeout", function (event) {
    show(event.detail.elt, words.msgOffline, true);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = requesters.get(event.detail.xhr) || event.detail.elt;
    busyHolder(elt).removeAttribute("aria-busy");
    var line = statuses.get(elt);
    if (line && line.isConnected && line.dataset.failed !== "1") { line.remove(); }
  });

  // Also used by plain fetches below (canned replies).
  window.helpdeskFeedback = { show: show, failureText: failureText };
})();
