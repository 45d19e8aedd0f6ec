// The reply and note boxes' menus: "/" at the start of a line lists canned replies, "@" lists members.
// Choosing one replaces what was typed after the "/" or "@" and keeps every other character.
// Without JS the canned-reply picker above the box and plain "@Name" typing still work.
(function () {
  "use strict";

  var TRIGGERS = [
    {attr: "data-canned-menu", pattern: /(^|\n)\/([^\n]{0,40})$/},  // "/" first on its line
    {attr: "data-mention-menu", pattern: /(^|\s)@([^\s@][^\n@]{0,30}|)$/}  // "@" after a space
  ];

  function menuFor(box) {
    var menu = box.parentNode.querySelector(".composer-menu");
    if (!menu) {
      menu = document.createElement("div");
      menu.className = "composer-menu";
      menu.hidden = true;
      box.insertAdjacentElement("afterend", menu);
    }
    return menu;
  }

  function close(box) {
    var menu = menuFor(box);
    menu.hidden = true;
    menu.innerHTML = "";
    box.removeAttribute("aria-controls");
    box.removeAttribute("aria-activedescendant");
    delete box.dataset.menuStart;
  }

  function options(box) {
    return Array.prototype.slice.call(menuFor(box).querySelectorAll("[role=option]"));
  }

  function select(box, index) {
    var all = options(box);
    if (!all.length) { return; }
    index = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      option.id = option.id || "composer-option-" + i;
    });
    box.setAttribute("aria-activedescendant", all[index].id);
    all[index].scrollIntoView({block: "nearest"});
  }

  function selectedIndex(box) {
    return options(box).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function insert(box, option) {
    var start = Number(box.dataset.menuStart);
    var end = box.selectionStart;
    var text = option.getAttribute("data-insert");
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.selectionStart = box.selectionEnd = start + text.length;
    close(box);
    box.focus();
    box.dispatchEvent(new Event("input", {bubbles: true}));  // the draft is saved with the new text
  }

  function lookUp(box, trigger, match) {
    var before = box.value.slice(0, box.selectionStart);
    var menu = menuFor(box);
    box.dataset.menuStart = String(before.length - match[2].length - 1);
    var url = box.getAttribute(trigger.attr) + "?q=" + encodeURIComponent(match[2]);
    htmx.ajax("GET", url, {target: menu, swap: "innerHTML"}).then(function () {
      if (box.dataset.menuStart === undefined) { return; }
      menu.hidden = false;
      var list = menu.querySelector("[role=listbox]");
      if (list) {
        list.id = list.id || box.id + "-menu";
        box.setAttribute("aria-controls", list.id);
      }
      select(box, 0);
    });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea[data-canned-menu], textarea[data-mention-menu]")) { return; }
    var before = box.value.slice(0, box.selectionStart);
    for (var i = 0; i < TRIGGERS.length; i++) {
      var match = box.hasAttribute(TRIGGERS[i].attr) && before.match(TRIGGERS[i].pattern);
      if (match) { lookUp(box, TRIGGERS[i], match); return; }
    }
    close(box);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea") || box.dataset.menuStart === undefined) { return; }
    if (menuFor(box).hidden) { return; }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      select(box, selectedIndex(box) + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" || event.key === "Tab") {
      var chosen = options(box)[selectedIndex(box)];
      if (chosen) { event.preventDefault(); insert(box, chosen); }
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(box);
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".composer-menu [role=option]");
    if (option) {
      event.preventDefault();  // keep the caret in the box
      insert(option.closest(".composer-menu").previousElementSibling, option);
    }
  });

  // "Your reply is being sent" goes away when its undo delay is over.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-hide-after]").forEach(function (banner) {
      window.setTimeout(function () { banner.remove(); }, Number(banner.getAttribute("data-hide-after")) * 1000);
    });
  });
})();
