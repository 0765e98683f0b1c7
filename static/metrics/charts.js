/* Draws every chart of a dashboard page: a <div data-figure="ID"> takes its figure from the
 * <script type="application/json" id="ID"> that Django's json_script wrote (data, not code),
 * and hands it to plotly.js, served by the app. No inline script: the CSP forbids it. */
(function () {
  "use strict";

  var ZH_CN = {
    moduleType: "locale",
    name: "zh-CN",
    dictionary: {
      "Download plot as a PNG": "下载图片",
      "Download plot": "下载图片",
      "Reset axes": "重置坐标轴",
      "Autoscale": "自动缩放",
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
      shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
      date: "%Y-%m-%d",
    },
  };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config).then(function () {
      element.classList.add("chart-drawn");
    });
  }

  function start() {
    if (!window.Plotly) {
      return;
    }
    window.Plotly.register(ZH_CN);
    document.querySelectorAll("[data-figure]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
