// Simandiri: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  // Send the CSRF token with htmx requests that change state.
  document.addEventListener("htmx:configRequest", function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && e.detail.verb !== "get") {
      e.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });
  // Organisation form: offer only the subtypes of the chosen kind.
  function filterSubtypes() {
    var kind = document.getElementById("kind");
    var sub = document.getElementById("subtype");
    if (!kind || !sub || kind.tagName !== "SELECT") return;
    var first = null;
    Array.prototype.forEach.call(sub.options, function (o) {
      var show = o.dataset.group === kind.value;
      o.hidden = !show;
      o.disabled = !show;
      if (show && first === null) first = o;
    });
    if (sub.selectedOptions.length === 0 || sub.selectedOptions[0].disabled) {
      if (first) first.selected = true;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("kind");
    if (kind) kind.addEventListener("change", filterSubtypes);
    filterSubtypes();
  });
})();
