// Render every <div data-chart="stacked-bar|bar" data-source="id-of-json-script"> with ECharts.
// The JSON: {cities: [category labels], series: [{name, data}], percent: optional true}.
(function () {
  function render(el) {
    if (!window.echarts) { el.textContent = "图表组件未加载"; return; }
    var data = JSON.parse(document.getElementById(el.dataset.source).textContent);
    var chart = echarts.init(el);
    var stacked = el.dataset.chart === "stacked-bar";
    chart.setOption({
      color: ["#1d4f91", "#b3121b", "#f0a020", "#3a9d5d", "#7b61c4", "#8a8f98"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.cities, axisLabel: { rotate: data.cities.length > 6 ? 30 : 0 } },
      yAxis: data.percent ? { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }
                          : { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: stacked ? "total" : undefined, data: s.data, barMaxWidth: 42 };
      }),
      animation: false
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.rendered = "1";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(render);
  });
})();
