// The wall display: lay the stage out for the display's shape and scale it to the display's
// size, roll the latest deals, and read the figures again every minute without reloading the
// page (a wall display runs for days; a reload would blank it each time, and fail when the
// server is away).
(function () {
  "use strict";
  var stage = document.getElementById("stage");
  var forcedW = Number(stage.dataset.w) || 0, forcedH = Number(stage.dataset.h) || 0;
  var stripRatio = 2.5; // wider than this, the wall is a strip of panels: three stages side by side

  function charts() {
    var out = [];
    document.querySelectorAll("[_echarts_instance_]").forEach(function (node) {
      var c = echarts.getInstanceByDom(node); if (c) { out.push(c); }
    });
    return out;
  }
  function fit() {
    var w = forcedW || window.innerWidth, h = forcedH || window.innerHeight;
    if (forcedW) {
      document.documentElement.style.width = document.body.style.width = w + "px";
      document.documentElement.style.height = document.body.style.height = h + "px";
    }
    var strip = w / h >= stripRatio;
    var was = stage.classList.contains("strip");
    stage.classList.toggle("strip", strip);
    var cw = strip ? 5760 : 1920, ch = 1080;
    var s = Math.min(w / cw, h / ch);
    stage.style.transform = "translate(" + (w - cw * s) / 2 + "px," + (h - ch * s) / 2 + "px) scale(" + s + ")";
    if (was !== strip) { charts().forEach(function (c) { c.resize(); }); roll(); }
  }
  // roll scrolls the deals upward forever when there are more than fit: the list is doubled
  // and moved by half its height, so that the end meets the start without a jump.
  function roll() {
    var box = document.querySelector(".roll"), track = box && box.querySelector(".track");
    if (!track) { return; }
    track.classList.remove("rolling");
    track.querySelectorAll(".copy").forEach(function (n) { n.remove(); });
    var rows = track.children.length;
    if (track.scrollHeight <= box.clientHeight + 1) { return; }
    Array.prototype.slice.call(track.children).forEach(function (n) {
      var c = n.cloneNode(true); c.classList.add("copy"); c.setAttribute("aria-hidden", "true"); track.appendChild(c);
    });
    track.style.animationDuration = (rows * 3) + "s";
    track.classList.add("rolling");
  }
  // patch puts a refresh's chart data into the charts; a chart whose data did not change is
  // not drawn again (most refreshes change nothing: loads come a few times a day).
  var patched = {};
  function patch(json) {
    var patches = JSON.parse(json || "{}");
    Object.keys(patches).forEach(function (id) {
      var node = document.getElementById(id), c = node && echarts.getInstanceByDom(node);
      var text = JSON.stringify(patches[id]);
      if (c && patched[id] !== text) { c.setOption(patches[id]); }
      patched[id] = text;
    });
  }
  // refreshed is the footer's line about the refresh, looked up each time: the footer is a live
  // part, replaced whenever its freshness line changes.
  function refreshed(text) {
    var r = document.querySelector("footer .refreshed");
    if (r) { r.textContent = text; }
  }
  // refresh fetches this page again and puts its figures in place of the shown ones; when the
  // server does not answer, the figures stay and the footer says at what time they were read.
  var readAt = new Date();
  function clock(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }
  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", cache: "no-store", redirect: "error" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var dealsChanged = false;
      document.querySelectorAll("[data-live]").forEach(function (node) {
        var name = node.dataset.live, fresh = doc.querySelector('[data-live="' + name + '"]');
        if (fresh && fresh.innerHTML !== shown[name]) {
          node.innerHTML = shown[name] = fresh.innerHTML;
          dealsChanged = dealsChanged || name === "deals";
        }
      });
      var p = doc.getElementById("patches");
      patch(p && p.textContent);
      if (dealsChanged) { roll(); }
      readAt = new Date();
      refreshed("");
    }).catch(function () {
      refreshed((stage.dataset.stale || "").replace("{time}", clock(readAt)));
    });
  }
  // shown is each live part as the server sent it (the rolling list adds copies to the page).
  var shown = {};
  document.querySelectorAll("[data-live]").forEach(function (node) { shown[node.dataset.live] = node.innerHTML; });
  patch(document.getElementById("patches").textContent);
  fit();
  window.addEventListener("resize", fit);
  charts().forEach(function (c) { c.resize(); });
  roll();
  setInterval(refresh, (Number(stage.dataset.refresh) || 60) * 1000);
  window.tradestatScreen = { refresh: refresh };
})();
