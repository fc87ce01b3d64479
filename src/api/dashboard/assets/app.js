// aiops dashboard: keeps a page current from the API's event stream. No framework, no inline
// script (the CSP forbids it). The server renders everything; this only asks it again.
"use strict";
(function () {
  var live = document.getElementById("live");
  var logBox = document.getElementById("log");

  // Re-read the live region, at most once a second, keeping ticked boxes ticked.
  var pending = false, last = 0, inflight = false;
  function refresh() {
    if (!live || pending) return;
    pending = true;
    var wait = Math.max(0, 1000 - (Date.now() - last));
    setTimeout(function () {
      pending = false;
      if (inflight) { refresh(); return; }
      inflight = true; last = Date.now();
      fetch(location.href, { headers: { "X-Fragment": "live" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          inflight = false;
          if (html === null) return;
          var ticked = {};
          live.querySelectorAll("input[name=id]:checked").forEach(function (i) { ticked[i.value] = true; });
          var all = document.getElementById("select-all");
          var allTicked = all && all.checked;
          var opened = {};
          live.querySelectorAll("details[id]").forEach(function (d) { opened[d.id] = d.open; });
          live.innerHTML = html;
          live.querySelectorAll("details[id]").forEach(function (d) { if (d.id in opened) d.open = opened[d.id]; });
          live.querySelectorAll("input[name=id]").forEach(function (i) { if (ticked[i.value]) i.checked = true; });
          var again = document.getElementById("select-all");
          if (again) again.checked = allTicked;
          document.body.dataset.refreshed = String(Date.now());
        })
        .catch(function () { inflight = false; });
    }, wait);
  }

  var onlyTask = logBox ? logBox.dataset.task : null;
  if (live) {
    var kinds = ["task.created", "task.pending", "task.running", "task.completed", "task.failed",
      "task.timeout", "task.cancelled", "task.cancel_requested", "stream.resync"];
    var es = new EventSource("/api/v1/events");
    kinds.forEach(function (k) {
      es.addEventListener(k, function (e) {
        if (onlyTask) {
          try { var d = JSON.parse(e.data); if (d.data && d.data.task_id && d.data.task_id !== onlyTask) return; } catch (x) { return; }
        }
        refresh();
      });
    });
    es.addEventListener("open", function () { document.body.dataset.live = "1"; });
    // Workers' heartbeats and queue pauses make no task events: re-read now and then too.
    setInterval(refresh, 10000);
  }

  // "Select all" ticks every task on the page.
  document.addEventListener("change", function (e) {
    if (e.target && e.target.id === "select-all") {
      document.querySelectorAll("input[name=id]").forEach(function (i) { i.checked = e.target.checked; });
    }
  });

  // The sign-in form returns to the page that sent the visitor here.
  var next = document.getElementById("next");
  if (next) {
    var n = new URLSearchParams(location.search).get("next");
    if (n && n.charAt(0) === "/" && n.charAt(1) !== "/") next.value = n;
  }

  // The live log: every line from the start, then each new one, until the task ends.
  if (logBox) {
    var level = document.getElementById("log-level");
    var search = document.getElementById("log-search");
    var state = document.getElementById("log-state");
    var rank = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };
    var seen = 0;
    function show(line) {
      var min = rank[level.value] || 0, q = search.value.toLowerCase();
      var ok = (rank[line.dataset.level] || 0) >= min && (!q || line.textContent.toLowerCase().indexOf(q) >= 0);
      line.classList.toggle("hidden", !ok);
    }
    function filter() { logBox.querySelectorAll(".line").forEach(show); }
    level.addEventListener("change", filter);
    search.addEventListener("input", filter);
    var logs = new EventSource("/api/v1/tasks/" + logBox.dataset.task + "/logs");
    state.textContent = "following";
    logs.addEventListener("log", function (e) {
      var l = JSON.parse(e.data);
      if (l.id <= seen) return;
      seen = l.id;
      var follow = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 4;
      var div = document.createElement("div");
      div.className = "line level-" + l.level;
      div.dataset.level = l.level;
      div.dataset.id = l.id;
      var t = document.createElement("span"); t.className = "t"; t.textContent = (l.timestamp || "").substring(11, 19);
      var lv = document.createElement("span"); lv.className = "lv"; lv.textContent = l.level;
      div.appendChild(t); div.appendChild(lv); div.appendChild(document.createTextNode(l.message));
      show(div);
      logBox.appendChild(div);
      if (follow) logBox.scrollTop = logBox.scrollHeight;
    });
    logs.addEventListener("end", function () { logs.close(); state.textContent = "task ended"; refresh(); });
  }
})();
