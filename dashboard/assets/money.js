// Money in chart tooltips, as reports write it (docs/domain.md): amounts arrive in 万元 as the exact
// decimal the server wrote, and an amount of 1亿元 or more also shows in 亿元, rounded half up
// to two decimals with trailing zeros dropped. The 亿元 text is made by moving the decimal
// point in the digits, never by float arithmetic, so it agrees with the server's to the fen.
(function () {
  "use strict";
  // yi turns a 万元 amount (a number whose shortest text is the server's decimal) into 亿元.
  function yi(wan) {
    var s = String(wan), neg = s.charAt(0) === "-";
    if (neg) { s = s.slice(1); }
    var parts = s.split("."), whole = parts[0], frac = parts[1] || "";
    while (whole.length < 5) { whole = "0" + whole; }
    var intPart = whole.slice(0, whole.length - 4).replace(/^0+(?=\d)/, "");
    var digits = (whole.slice(whole.length - 4) + frac + "000").split("").map(Number);
    var hundredths = Number(intPart) * 100 + digits[0] * 10 + digits[1];
    if (digits[2] >= 5) { hundredths += 1; }
    var out = String(Math.floor(hundredths / 100));
    var rest = hundredths % 100;
    if (rest !== 0) { out += "." + (rest < 10 ? "0" + rest : String(rest)).replace(/0$/, ""); }
    return (neg && hundredths !== 0 ? "-" : "") + out;
  }
  // tooltip is the axis tooltip of the charts: each series' value, amounts in 万元 (and 亿元).
  function tooltip(params) {
    var rows = [params[0].axisValueLabel];
    params.forEach(function (p) {
      var v = Array.isArray(p.value) ? p.value[1] : p.value;
      var line = p.marker + p.seriesName + "：" + v;
      if (/万元|10k yuan/.test(p.seriesName) && Math.abs(Number(v)) >= 10000) {
        line += "（" + yi(v) + (/10k yuan/.test(p.seriesName) ? " ×100M yuan" : "亿元") + "）";
      }
      rows.push(line);
    });
    return rows.join("<br/>");
  }
  // mapTip is the tooltip of a map's area: its name and figure, an amount in 万元 (and 亿元).
  function mapTip(p) {
    var v = p.value;
    if (v === undefined || v === null || v === "-" || (typeof v === "number" && isNaN(v))) { v = "—"; }
    var line = p.name + "<br/>" + p.marker + p.seriesName + "：" + v;
    if (/万元|10k yuan/.test(p.seriesName) && v !== "—" && Math.abs(Number(v)) >= 10000) {
      line += "（" + yi(v) + (/10k yuan/.test(p.seriesName) ? " ×100M yuan" : "亿元") + "）";
    }
    return line;
  }
  window.tradestat = { yi: yi, tooltip: tooltip, mapTip: mapTip };
  // The maps' theme: no dot on each area for a legend the maps do not show.
  if (window.echarts) { window.echarts.registerTheme("tradestat-map", { map: { showLegendSymbol: false } }); }
})();
