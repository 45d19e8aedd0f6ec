// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Destructive forms ask first: <form data-confirm="Delete this?">.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // "Select all" checkboxes: <input type="checkbox" data-select-all="ticket_ids">.
  document.addEventListener("change", function (event) {
    var name = event.target.getAttribute && event.target.getAttribute("data-select-all");
    if (name) {
      event.target.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
  });

  // Files over the request size limit are refused before sending, so the typed text stays.
  document.addEventListener("submit", function (event) {
    var inputs = event.target.querySelectorAll ? event.target.querySelectorAll("input[type=file][data-max-bytes]") : [];
    inputs.forEach(function (input) {
      var total = 0;
      inputs.forEach(function (other) { Array.prototype.forEach.call(other.files, function (f) { total += f.size; }); });
      var limit = Number(input.getAttribute("data-max-bytes"));
      var error = input.parentNode.querySelector(".error.too-large");
      if (error) { error.remove(); }
      if (total > limit && !event.defaultPrevented) {
        event.preventDefault();
        error = document.createElement("p");
        error.className = "error too-large";
        error.setAttribute("role", "alert");
        error.textContent = document.body.dataset.msgTooLarge;
        input.insertAdjacentElement("afterend", error);
        input.focus();
      }
    });
  });

  // The workspace switcher closes on a click elsewhere or Escape, so it never stays over the page.
  function closeSwitchers(except) {
    document.querySelectorAll("details.switcher[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeSwitchers(event.target.closest && event.target.closest("details.switcher"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeSwitchers(null); }
  });
})();

// Inserting a canned reply puts its text at the cursor of the reply, keeping what was typed.
// Without JS the picker reloads the page with the canned reply in an empty reply box.
(function () {
  "use strict";

  var touched = new WeakSet();  // reply boxes the agent has put the cursor in
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA") { touched.add(event.target); }
  });

  function insert(box, text) {
    var start = box.selectionStart, end = box.selectionEnd;
    if (!touched.has(box)) {  // never clicked into: add below what is there
      start = end = box.value.length;
      if (box.value.trim()) { text = "\n\n" + text; }
    }
    box.focus();
    box.setRangeText(text, start, end, "end");
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // "Insert link" / "Insert image" buttons: <button data-insert-text="..." data-insert-into="textarea id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-text]");
    var box = button && document.getElementById(button.getAttribute("data-insert-into"));
    if (box) { insert(box, button.getAttribute("data-insert-text")); }
  });

  document.addEventListener("submit", function (event) {
    var picker = event.target;
    var box = picker.classList && picker.classList.contains("canned-picker") &&
      document.getElementById(picker.getAttribute("data-reply-box"));
    if (!box) { return; }
    event.preventDefault();
    var url = new URL(picker.action, location.href);
    url.search = new URLSearchParams(new FormData(picker)).toString();
    var feedback = window.helpdeskFeedback;
    var button = picker.querySelector("button");
    feedback.show(button, document.body.dataset.msgBusy, false);
    fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (!response.ok) { throw response; }
      return response.text();
    }).then(function (html) {
      // The server fills the placeholders; its page holds the filled text in its reply box.
      var filled = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
      if (!filled) { throw new Error("no reply box"); }
      insert(box, filled.textContent);
      feedback.show(button, "", false);
    }).catch(function (failure) {
      var words = document.body.dataset;
      var text = failure && failure.status ? feedback.failureText({ status: failure.status, responseText: "" })
        : (failure && failure.type === "opaqueredirect" ? words.msgSession : words.msgOffline);
      feedback.show(button, text, true);
    });
  });
})();

// The inbox: the bulk toolbar says how many tickets are selected ("3 selected") and shows only while some
// are (app.css does that too, where :has() works); the Undo of a close stays 10 seconds; on a phone the view
// list and the main menu fold behind theirs. Without JS the menus simply stay open.
(function () {
  "use strict";

  function refreshToolbar(form) {
    var toolbar = form.querySelector("[data-bulk-toolbar]");
    if (!toolbar) { return; }
    var count = form.querySelectorAll("input[name=ticket_ids]:checked").length;
    toolbar.classList.toggle("has-selection", count > 0);
    var words = count === 1 ? toolbar.getAttribute("data-selected-one")
      : toolbar.getAttribute("data-selected-many").replace("{n}", count);
    toolbar.querySelector(".selected-count").textContent = count ? words : "";
  }

  function prepare() {
    document.querySelectorAll("#bulk-form").forEach(function (form) {
      form.classList.add("js-bulk");
      refreshToolbar(form);
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("#bulk-form");
    if (form) { refreshToolbar(form); }
  });
  document.addEventListener("htmx:afterSwap", prepare);  // a new list (sort) comes unselected
  prepare();

  document.querySelectorAll("[data-expires-in]").forEach(function (offer) {
    setTimeout(function () { offer.remove(); }, Number(offer.getAttribute("data-expires-in")) * 1000);
  });

  // Folded on a phone, open on a wider screen, also when the window changes between the two.
  var phone = window.matchMedia("(max-width: 899px)");
  function fold() {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (menu) { menu.open = !phone.matches; });
  }
  if (phone.matches) { fold(); }
  phone.addEventListener("change", fold);
})();
