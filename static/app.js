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
  // BLKK form: fill the coordinates from the phone's location (asked only on a tap).
  function locate(button) {
    var box = button.closest(".locate");
    var status = box && box.querySelector(".locate-status");
    var say = function (key) { if (status) status.textContent = box.dataset[key] || ""; };
    if (!navigator.geolocation) { say("unavailable"); return; }
    say("busy");
    navigator.geolocation.getCurrentPosition(function (pos) {
      var lat = document.getElementById("latitude");
      var lon = document.getElementById("longitude");
      if (lat) lat.value = pos.coords.latitude.toFixed(6);
      if (lon) lon.value = pos.coords.longitude.toFixed(6);
      say("done");
    }, function () { say("failed"); }, { enableHighAccuracy: true, timeout: 20000 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-locate]");
    if (button && navigator.geolocation) {
      button.closest(".locate").hidden = false;
      button.addEventListener("click", function () { locate(button); });
    }
    var kind = document.getElementById("kind");
    if (kind) kind.addEventListener("change", filterSubtypes);
    filterSubtypes();
  });
})();
