// Autocomplete for the search box: completions from /api/suggest in a
// listbox under the box (the ARIA combobox pattern). Keyboard: Down/Up move,
// Enter searches the one chosen, Esc closes. Without this script the box is
// a plain form and works the same, less the list.
(function () {
  "use strict";
  var DELAY = 120; // ms after the last key: one request per pause, not per letter

  function attach(input, n) {
    var url = input.getAttribute("data-suggest");
    var form = input.form;
    var list = document.createElement("ul");
    list.id = "goi-y-" + n;
    list.className = "suggest";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Gợi ý");
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    var timer = null, asked = 0, active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function mark(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var j = 0; j < opts.length; j++) {
        opts[j].setAttribute("aria-selected", j === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", opts[active].id);
    }

    function pick(text) {
      input.value = text;
      close();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }

    function show(words) {
      close();
      if (!words.length) return;
      words.forEach(function (word, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = word; // text, never markup
        // mousedown, not click: the box keeps its focus until the pick.
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(word); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var q = input.value;
      var mine = ++asked;
      if (!q.trim()) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          // Only the answer to the latest text, and only while it is typed.
          if (mine === asked && document.activeElement === input) show(data.suggestions || []);
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!open) return;
        e.preventDefault();
        mark(active < 0 ? (e.key === "ArrowDown" ? 0 : -1) : active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter") {
        if (open && active >= 0) {
          e.preventDefault();
          pick(options()[active].textContent);
        } else {
          asked++; // an answer on its way must not open a list over the new page
          close();
        }
      } else if (e.key === "Escape") {
        if (open) { e.preventDefault(); asked++; close(); }
      }
    });
    input.addEventListener("blur", function () { asked++; close(); });
  }

  var boxes = document.querySelectorAll("input[data-suggest]");
  for (var i = 0; i < boxes.length; i++) attach(boxes[i], i);
})();
