// Needlepoint's own script. The pages work without it; it adds two conveniences:
// tapping the zone map ticks the matching area checkbox, and a finger-drawn signature.
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
})();
