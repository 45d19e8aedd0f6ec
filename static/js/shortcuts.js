// Keyboard shortcuts for agents, listed on "?" (the dialog in templates/tickets/_shortcuts.html).
// Never while typing: a key pressed in a field types as usual; Escape leaves the field.
(function () {
  "use strict";

  var dialog = document.getElementById("shortcuts");
  if (!dialog) { return; }
  var pendingG = false;

  function typing(target) {
    return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("table.tickets tr[data-ticket-row]"));
  }

  function current() {
    return document.querySelector("table.tickets tr.current");
  }

  function move(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    var next = all[Math.max(0, Math.min(all.length - 1, index < 0 ? 0 : index + step))];
    all.forEach(function (row) { row.classList.remove("current"); });
    next.classList.add("current");
    next.querySelector("a.subject").focus();
  }

  function submitBulk(row, action, assignee) {
    var form = document.getElementById("bulk-form");
    if (!form || !row) { return; }
    form.querySelectorAll("input[name=ticket_ids]").forEach(function (box) { box.checked = false; });
    row.querySelector("input[name=ticket_ids]").checked = true;
    if (assignee) { form.querySelector("select[name=assignee]").value = assignee; }
    var button = form.querySelector('button[name=action][value="' + action + '"]');
    form.requestSubmit(button);
  }

  // On the ticket page: change one property through its form (htmx saves it in place; without htmx it posts).
  function setProperty(name, value) {
    var select = document.querySelector("#ticket-sidebar select[name=" + name + "]");
    if (!select || !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) { return; }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (field) { field.scrollIntoView({ block: "center" }); field.focus(); }
  }

  var me = dialog.getAttribute("data-my-id");
  var actions = {
    j: function () { move(1); },
    k: function () { move(-1); },
    o: function () { var row = current(); if (row) { row.querySelector("a.subject").click(); } },
    r: function () { focusField("reply-body"); },
    n: function () { focusField("note-body"); },
    a: function () { if (current()) { submitBulk(current(), "assign", me); } else { setProperty("assignee", me); } },
    e: function () { if (current()) { submitBulk(current(), "close"); } else { setProperty("status", "closed"); } },
    // Snoozing needs a time: in the inbox, "s" opens the selected ticket at its snooze choices.
    s: function () { var row = current(); if (row) { location.href = row.querySelector("a.subject").href + "#snooze"; } else { focusField("preset"); } },
    "/": function () {
      if (document.getElementById("q")) { focusField("q"); } else { location.href = dialog.getAttribute("data-inbox-url"); }
    },
    "?": function () { dialog.showModal(); }
  };

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (dialog.open) { return; }  // the dialog closes itself on Escape
    if (pendingG) {
      pendingG = false;
      if (event.key === "i") { event.preventDefault(); location.href = dialog.getAttribute("data-inbox-url"); }
      return;
    }
    if (event.key === "g") { pendingG = true; return; }
    if (event.key === "Enter" && current() && event.target === document.body) { actions.o(); return; }
    var action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  if (location.hash === "#snooze") { focusField("preset"); }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-show-shortcuts]")) { dialog.showModal(); }
    if (event.target.closest && event.target.closest("[data-close-shortcuts]")) { dialog.close(); }
  });
})();
