// The wall display: scale the 1920×1080 stage to the display, and rotate the panel groups.
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  function fit() {
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    stage.style.transform = "translate(" + (window.innerWidth - 1920 * s) / 2 + "px," + (window.innerHeight - 1080 * s) / 2 + "px) scale(" + s + ")";
  }
  function resizeCharts(panel) {
    panel.querySelectorAll("[_echarts_instance_]").forEach(function (node) {
      var c = echarts.getInstanceByDom(node); if (c) { c.resize(); }
    });
  }
  fit();
  window.addEventListener("resize", fit);
  var panels = document.querySelectorAll(".panel");
  var shown = 0;
  panels.forEach(resizeCharts);
  setInterval(function () {
    if (panels.length < 2) { return; }
    panels[shown].classList.remove("shown");
    shown = (shown + 1) % panels.length;
    panels[shown].classList.add("shown");
    resizeCharts(panels[shown]);
  }, Number(stage.dataset.rotate) || 15000);
})();
