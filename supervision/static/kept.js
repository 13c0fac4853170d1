// Keeps what a person typed into a form that the server could not apply because their session
// had ended (supervision/accounts/kept.py): a copy of the form's fields goes into this tab's
// sessionStorage as it is sent; <body data-kept="hold"> (the sign-in steps) keeps the copy,
// "restore" (the form's page, signed in again) puts it back, any other page drops it.
// Passwords and files are never copied.
(function () {
  "use strict";
  var KEY = "supervision.kept-form";
  var SKIPPED = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function here() { return location.pathname + location.search; }

  function copyable(el) {
    return el.name && !el.disabled && !SKIPPED[(el.type || "").toLowerCase()];
  }

  function save(form) {
    var forms = Array.prototype.slice.call(document.forms);
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!copyable(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push({ name: el.name, value: el.value, checked: el.checked });
      } else if (el.type === "select-multiple") {
        fields.push({ name: el.name, values: Array.prototype.filter.call(el.options, function (o) {
          return o.selected; }).map(function (o) { return o.value; }) });
      } else {
        fields.push({ name: el.name, value: el.value });
      }
    });
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        page: here(), index: forms.indexOf(form), action: form.getAttribute("action") || "", fields: fields }));
    } catch (e) { /* storage full or off: the form is sent all the same */ }
  }

  function restore(saved) {
    var form = document.forms[saved.index];
    if (!form || (form.getAttribute("action") || "") !== saved.action) {
      form = Array.prototype.filter.call(document.forms, function (f) {
        return (f.getAttribute("action") || "") === saved.action; })[0];
    }
    if (!form) { return; }
    var seen = {};
    saved.fields.forEach(function (field) {
      var all = Array.prototype.filter.call(form.elements, function (el) {
        return el.name === field.name && copyable(el); });
      if (field.hasOwnProperty("checked")) {
        all.forEach(function (el) { if (el.value === field.value) { el.checked = field.checked; } });
        return;
      }
      var n = seen[field.name] || 0;
      seen[field.name] = n + 1;
      var el = all[n];
      if (!el) { return; }
      if (field.values) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = field.values.indexOf(o.value) >= 0; });
      } else {
        el.value = field.value;
      }
    });
    var first = form.querySelector("textarea, input:not([type=hidden]), select");
    if (first) { first.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // The sign-in steps' own forms never replace the copy that waits for them.
    if (document.body.getAttribute("data-kept") === "hold") { return; }
    if (form.method && form.method.toLowerCase() === "post") { save(form); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    var mode = document.body.getAttribute("data-kept");
    if (mode === "hold") { return; }
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { saved = null; }
    try { sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
    if (mode === "restore" && saved && saved.page === here()) { restore(saved); }
  });
}());
