/* The analyst's price charts: daily history from our JSON endpoint, each view
 * marked where it was stated, each active target drawn as a price line.
 * Drawn with TradingView's lightweight-charts (vendored in static/vendor). */
(function () {
  "use strict";

  var COLORS = { bullish: "#1f7a3d", bearish: "#a31f1f", neutral: "#1f5f99" };
  var SHAPES = { bullish: "arrowUp", bearish: "arrowDown", neutral: "circle" };

  function money(value, currency) {
    return value === null || value === undefined
      ? "—"
      : value.toLocaleString("en-US", { style: "currency", currency: currency || "USD" });
  }

  function markerOf(view, currency) {
    var stance = view.stance || "neutral";
    // Short: the arrow says the stance, the label the target.
    var label = view.target_price !== null ? money(view.target_price, currency) : stance;
    if (!view.active) label += " (closed)";
    return {
      time: view.time,
      position: stance === "bearish" ? "aboveBar" : "belowBar",
      shape: SHAPES[stance] || "circle",
      color: view.active ? COLORS[stance] || COLORS.neutral : "#5b6674",
      text: label,
    };
  }

  function render(element, data) {
    var charts = window.LightweightCharts;
    var chart = charts.createChart(element, {
      autoSize: true,
      // The attribution is a link beside the charts (the logo injects a <style>).
      layout: {
        textColor: "#1d2733",
        background: { type: "solid", color: "#ffffff" },
        attributionLogo: false,
      },
      grid: { vertLines: { color: "#eef1f5" }, horzLines: { color: "#eef1f5" } },
      rightPriceScale: { borderColor: "#dfe4ea" },
      timeScale: { borderColor: "#dfe4ea", rightOffset: 4 },
    });
    var targets = data.targets.map(function (target) { return target.price; });
    var series = chart.addSeries(charts.LineSeries, {
      color: "#1f5f99",
      lineWidth: 2,
      priceLineVisible: false,
      // Keep every target in view, however far it is from the prices.
      autoscaleInfoProvider: function (original) {
        var info = original();
        if (info && info.priceRange && targets.length) {
          info.priceRange.minValue = Math.min.apply(null, [info.priceRange.minValue].concat(targets));
          info.priceRange.maxValue = Math.max.apply(null, [info.priceRange.maxValue].concat(targets));
        }
        return info;
      },
    });
    series.setData(data.bars.map(function (bar) { return { time: bar.time, value: bar.close }; }));
    var markers = data.views
      .map(function (view) { return markerOf(view, data.currency); })
      .sort(function (a, b) { return a.time < b.time ? -1 : a.time > b.time ? 1 : 0; });
    var markerApi = charts.createSeriesMarkers(series, markers);
    data.targets.forEach(function (target) {
      series.createPriceLine({
        price: target.price,
        color: "#a35c00",
        lineWidth: 2,
        lineStyle: charts.LineStyle.Dashed,
        axisLabelVisible: true,
        title: "Target " + money(target.price, data.currency),
      });
    });
    chart.timeScale().fitContent();
    // What was drawn, for people using assistive technology and for the tests.
    element.dataset.bars = String(data.bars.length);
    element.dataset.markers = String(markerApi.markers().length);
    element.dataset.targetLines = series
      .priceLines()
      .map(function (line) { return line.options().price; })
      .join(",");
    element.dataset.chartState = "ready";
  }

  function draw(element) {
    fetch(element.dataset.chartUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (!data.bars.length) {
          element.dataset.chartState = "empty";
          element.textContent = "No daily prices are stored for " + data.symbol + " yet.";
          return;
        }
        render(element, data);
      })
      .catch(function (error) {
        element.dataset.chartState = "error";
        element.textContent = "The chart could not be loaded (" + error.message + ").";
      });
  }

  function start() {
    if (!window.LightweightCharts) return;
    document.querySelectorAll("[data-chart-url]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
