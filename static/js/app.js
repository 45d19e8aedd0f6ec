// Small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Times are rendered in UTC; show them in the reader's own time zone.
  function localizeTimes(root) {
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var date = new Date(el.getAttribute("datetime"));
      if (!isNaN(date)) {
        el.textContent = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
        el.title = el.getAttribute("datetime");
      }
    });
  }

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

  document.addEventListener("DOMContentLoaded", function () { localizeTimes(document); });
  document.addEventListener("htmx:afterSwap", function (event) { localizeTimes(event.target); });
})();
