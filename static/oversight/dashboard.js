/* Oversight dashboard charts (Apache ECharts, vendored). The figures come from the same JSON
   API the tables are computed from; without JavaScript the tables alone show every figure. */
(function () {
  "use strict";

  function bar(el, title, categories, series, percent) {
    var chart = window.echarts.init(el);
    chart.setOption({
      title: { text: title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 72, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0, rotate: categories.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", max: percent ? 100 : null, axisLabel: { formatter: percent ? "{value}%" : "{value}" } },
      series: series.map(function (s) {
        return { name: s.name, type: s.type || "bar", data: s.data, label: { show: categories.length <= 12, position: "top" } };
      }),
      animation: false
    });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  function pick(rows, key) {
    return rows.map(function (r) { return r[key] === null ? 0 : r[key]; });
  }

  function render(box, data) {
    var depts = data.departments.filter(function (d) { return d.drawn || d.inspected || d.published || d.random_tasks; });
    if (!depts.length) { depts = data.departments; }
    var names = depts.map(function (d) { return d.name; });
    bar(document.getElementById("chart-departments"), "完成率、完结率、按时公示率", names, [
      { name: "完成率", data: pick(depts, "completion") },
      { name: "完结率", data: pick(depts, "closure") },
      { name: "按时公示率", data: pick(depts, "timeliness") }
    ], true);
    bar(document.getElementById("chart-coverage"), "抽查户数、已检查、已公示", names, [
      { name: "抽查户数", data: pick(depts, "drawn") },
      { name: "已检查", data: pick(depts, "inspected") },
      { name: "已公示", data: pick(depts, "published") },
      { name: "逾期未公示", data: pick(depts, "overdue_pending") }
    ], false);
    var items = data.by_item.slice(0, 15);
    bar(document.getElementById("chart-items"), "问题发现率（按抽查事项）", items.map(function (i) { return i.name; }), [
      { name: "问题发现率", data: pick(items, "problem_rate") }
    ], true);
    bar(document.getElementById("chart-risk"), "问题发现率（按信用风险分类）", data.by_risk_class.map(function (r) { return r.label; }), [
      { name: "问题发现率", data: pick(data.by_risk_class, "problem_rate") }
    ], true);
    bar(document.getElementById("chart-joint"), "联合抽查次数（目标 " + data.joint.min_joint_per_department + " 次）", names, [
      { name: "联合抽查", data: pick(depts, "joint_tasks") },
      { name: "目标", type: "line", data: depts.map(function () { return data.joint.min_joint_per_department; }) }
    ], false);
    box.setAttribute("data-rendered", "1");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("oversight-charts");
    if (!box || !window.echarts || !window.fetch) { return; }
    box.hidden = false;
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) { render(box, data); })
      .catch(function () { box.hidden = true; });
  });
})();
