// Needlepoint's own script. The pages work without it; it adds conveniences: tapping the zone
// map ticks the matching area checkbox, a finger-drawn signature, the chart saving itself after
// every change (so a dropped tablet loses at most the field being typed), and the numbing timer.
(function () {
  "use strict";

  function syncMap(map) {
    map.querySelectorAll(".zone").forEach(function (zone) {
      var box = document.querySelector('input[name="area"][value="' + zone.dataset.zone + '"]');
      if (!box) { return; }
      zone.classList.toggle("selected", box.checked);
    });
  }

  document.querySelectorAll("form.intake svg.zonemap").forEach(function (map) {
    map.addEventListener("click", function (event) {
      var zone = event.target.closest(".zone");
      if (!zone) { return; }
      var box = document.querySelector('input[name="area"][value="' + zone.dataset.zone + '"]');
      if (box) { box.checked = !box.checked; syncMap(map); }
    });
    document.querySelectorAll('input[name="area"]').forEach(function (box) {
      box.addEventListener("change", function () { syncMap(map); });
    });
    syncMap(map);
  });

  document.querySelectorAll("canvas.signature-pad").forEach(function (canvas) {
    var form = canvas.closest("form");
    var field = form.querySelector('input[name="signature_path"]');
    var ctx = canvas.getContext("2d");
    var path = [];
    var drawing = false;
    ctx.lineWidth = 2.5;
    ctx.lineCap = "round";
    function point(event) {
      var box = canvas.getBoundingClientRect();
      var x = Math.round((event.clientX - box.left) * canvas.width / box.width);
      var y = Math.round((event.clientY - box.top) * canvas.height / box.height);
      return [x, y];
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      var p = point(event);
      path.push("M" + p[0] + " " + p[1]);
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      path.push("L" + p[0] + " " + p[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
    });
    ["pointerup", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; field.value = path.join(" "); });
    });
    form.querySelector(".clear-signature").addEventListener("click", function () {
      path = [];
      field.value = "";
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    });
  });

  document.querySelectorAll("form.chart[data-autosave]").forEach(function (form) {
    var state = form.querySelector(".save-state");
    var timer = null;
    var dirty = false;
    var inFlight = Promise.resolve(true);
    function setVersion(version) {
      // Every form on the page (sign, co-sign) must send the chart's current version.
      document.querySelectorAll('input[name="version"]').forEach(function (input) { input.value = version; });
    }
    function save() {
      clearTimeout(timer);
      if (!dirty) { return inFlight; }
      dirty = false;
      inFlight = inFlight.then(function () {
        state.textContent = "Saving…";
        return fetch(form.action, {
          method: "POST",
          headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(new FormData(form)).toString(),
          credentials: "same-origin"
        }).then(function (response) {
          return response.json().then(function (body) {
            if (response.ok) {
              setVersion(body.version);
              state.textContent = "Saved at " + new Date().toLocaleTimeString();
              return true;
            }
            var fields = body.fields || {};
            var detail = Object.keys(fields).map(function (k) { return fields[k]; }).join(" ");
            state.textContent = "Not saved: " + body.message + (detail ? " " + detail : "");
            return false;
          });
        }).catch(function () {
          dirty = true;
          state.textContent = "Not saved: no connection. Your entries are still on this page; press Save when back online.";
          return false;
        });
      });
      return inFlight;
    }
    form.addEventListener("change", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, 400);
    });
    // Signing or co-signing waits for the last change to be saved, then sends the new version.
    document.querySelectorAll("form.after-save").forEach(function (other) {
      other.addEventListener("submit", function (event) {
        event.preventDefault();
        save().then(function () { other.submit(); });
      });
    });
  });

  document.querySelectorAll(".dwell[data-ready-at]").forEach(function (note) {
    var ready = new Date(note.dataset.readyAt);
    var timer = document.createElement("strong");
    timer.className = "countdown";
    note.appendChild(document.createTextNode(" "));
    note.appendChild(timer);
    function tick() {
      var left = Math.round((ready - new Date()) / 1000);
      if (left <= 0) { timer.textContent = "Dwell time reached."; note.classList.add("ready"); return; }
      var m = Math.floor(left / 60), s = left % 60;
      timer.textContent = m + " min " + (s < 10 ? "0" : "") + s + " s to go.";
      setTimeout(tick, 1000);
    }
    tick();
  });
})();
