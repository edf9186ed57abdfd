// tradestat page script: chart drill-down, resizing, and a clean URL for the filter form.
(function () {
  "use strict";
  var drill = {};
  var el = document.getElementById("drill");
  if (el) { drill = JSON.parse(el.textContent || "{}"); }
  document.querySelectorAll("[_echarts_instance_]").forEach(function (node) {
    var chart = echarts.getInstanceByDom(node);
    var links = drill[node.id];
    if (!chart || !links) { return; }
    chart.getZr().setCursorStyle("pointer");
    chart.on("click", function (p) {
      var to = links[p.dataIndex];
      if (to) { window.location.assign(to); }
    });
  });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[_echarts_instance_]").forEach(function (node) {
      var c = echarts.getInstanceByDom(node); if (c) { c.resize(); }
    });
  });
  // Copy buttons copy exactly the text of their target, through the clipboard API where the
  // page is a secure context and a selected text area elsewhere (plain http on an intranet).
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area); area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("button[data-copy], button[data-copy-text]").forEach(function (button) {
    var label = button.textContent;
    button.addEventListener("click", function () {
      var text = button.dataset.copyText;
      if (text === undefined) { text = document.getElementById(button.dataset.copy).textContent; }
      copyText(text).then(function () {
        button.textContent = "✓"; setTimeout(function () { button.textContent = label; }, 1500);
      }, function () { button.textContent = "✗"; });
    });
  });
  // The form sends only what is set, and a chosen year wins over a from–to period, so the
  // URL stays short and means one thing.
  document.querySelectorAll("form[data-filters]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var year = form.elements.year && form.elements.year.value;
      Array.prototype.forEach.call(form.elements, function (f) {
        if (!f.name) { return; }
        if (f.value === "" || (year && (f.name === "from" || f.name === "to"))) { f.disabled = true; }
      });
    });
  });
})();
