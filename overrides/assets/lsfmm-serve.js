/* lsfmm-prep, under `python -m generator serve` only (overrides/main.html loads this script
   when MkDocs' live-reload server serves the page). serve writes the status of its last
   rebuild into the site (lsfmm-serve-status.json, generator/site/servestatus.py); when that
   rebuild failed, a banner says so, with each problem's file:line and message, until a
   rebuild succeeds: the page reloads after every rebuild, failed or not.

   The status is data, and every value goes into the page as text (textContent), never as
   markup: messages quote the data, and the data quotes mail. */
(function () {
  "use strict";

  var script = document.currentScript;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function where(problem) {
    if (typeof problem.file !== "string" || !problem.file) return "";
    var place = problem.file;
    if (problem.line > 0) {
      place += ":" + problem.line;
      if (problem.column > 0) place += ":" + problem.column;
    }
    return place;
  }

  function banner(status) {
    var box = el("section", "lsf-serve-banner");
    box.setAttribute("aria-labelledby", "lsf-serve-banner-title");
    var alert = el("div", "lsf-serve-banner__inner");
    alert.setAttribute("role", "alert");
    var title = el("p", "lsf-serve-banner__title", "The last rebuild failed: this page is from the last good build.");
    title.id = "lsf-serve-banner-title";
    alert.appendChild(title);
    var list = el("ul", "lsf-serve-banner__problems");
    (Array.isArray(status.problems) ? status.problems : []).forEach(function (problem) {
      var item = el("li");
      var place = where(problem);
      if (place) {
        item.appendChild(el("code", "lsf-serve-banner__where", place));
        item.appendChild(document.createTextNode(": " + (problem.warning ? "warning: " : "")));
      }
      item.appendChild(document.createTextNode(String(problem.message)));
      list.appendChild(item);
    });
    if (list.childNodes.length) alert.appendChild(list);
    (Array.isArray(status.summary) ? status.summary : []).forEach(function (line) {
      alert.appendChild(el("p", "lsf-serve-banner__summary", line));
    });
    var hide = el("button", "lsf-serve-banner__hide", "Hide until the next rebuild");
    hide.type = "button";
    hide.addEventListener("click", function () {
      box.remove();
    });
    alert.appendChild(hide);
    box.appendChild(alert);
    return box;
  }

  function show(status) {
    var css = document.createElement("link");
    var shown = false;
    function insert() {
      if (shown) return;
      shown = true;
      document.body.insertBefore(banner(status), document.body.firstChild);
    }
    css.rel = "stylesheet";
    css.href = script.dataset.css;
    css.addEventListener("load", insert); /* styled from the start */
    css.addEventListener("error", insert); /* or unstyled, but shown */
    document.head.appendChild(css);
  }

  fetch(script.dataset.status, { cache: "no-store" })
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (status) {
      if (status && status.failed === true) show(status);
    })
    .catch(function () {
      /* no status (a build by `site` while serve runs): no banner */
    });
})();
