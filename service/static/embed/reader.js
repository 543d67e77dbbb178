/* Votes and reports without a reload: the page's vote and report forms (which work as plain
   POSTs) are sent as JSON, so a half-written comment and the scroll position stay. Vote counts
   update in place, and the reader's own votes are kept in this browser's storage and shown
   pressed; pressing one's vote again withdraws it. A report answers in the status line. */
(function () {
  "use strict";
  var main = document.getElementById("comments");
  if (!main) return;
  var d = main.dataset, KEY = "comments:votes:" + d.site;
  function load(key) { try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; } }
  function save(key, v) { try { localStorage.setItem(key, JSON.stringify(v)); } catch (e) { /* storage blocked */ } }
  var mine = load(KEY) || {};
  var words = document.getElementById("messages"), M = {};
  try { M = JSON.parse(words.textContent); } catch (e) { /* the page's own words are always there */ }

  function show(form, likes, dislikes, vote) {
    form.querySelectorAll("button.vote").forEach(function (b) {
      var v = parseInt(b.value, 10);
      b.setAttribute("aria-pressed", String(v === vote));
      b.querySelector(".n").textContent = v === 1 ? likes : dislikes;
    });
    form.setAttribute("data-likes", likes);
    if (dislikes != null) form.setAttribute("data-dislikes", dislikes);
  }
  function say(text, kind) {
    var box = document.getElementById("status");
    box.className = "status status-" + (kind || "forbidden");
    box.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
  }

  document.querySelectorAll("form.votes").forEach(function (form) {
    var id = form.getAttribute("data-comment");
    if (mine[id]) show(form, form.getAttribute("data-likes"), form.getAttribute("data-dislikes"), mine[id]);
  });

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("votes")) return;
    ev.preventDefault();
    var button = ev.submitter, id = form.getAttribute("data-comment");
    if (!button || button.disabled) return;
    var value = button.getAttribute("aria-pressed") === "true" ? 0 : parseInt(button.value, 10);
    var body = { value: value }, author = load("comments:author:" + d.site);
    if (author && author.token) body.author_token = author.token;
    button.disabled = true;
    fetch(d.commentApi + id + "/vote", {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", Accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (b) { return { ok: r.ok, body: b }; });
    }).then(function (r) {
      button.disabled = false;
      if (!r.ok) { say(r.body.message || ""); return; }
      show(form, r.body.likes, r.body.dislikes, r.body.vote);
      if (r.body.vote) mine[id] = r.body.vote; else delete mine[id];
      save(KEY, mine);
    }, function () { button.disabled = false; });
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target, box = form.closest && form.closest("details.report");
    if (!box) return;
    ev.preventDefault();
    var button = form.querySelector("button[type=submit]"), picked = form.querySelector("input[name=reason]:checked");
    if (!picked || button.disabled) return;
    button.disabled = true;
    fetch(d.commentApi + form.elements.comment.value + "/flags", {
      method: "POST", credentials: "same-origin", body: JSON.stringify({ reason: picked.value }),
      headers: { "Content-Type": "application/json", Accept: "application/json" }
    }).then(function (r) {
      var kind = { 201: "reported", 409: "report_again", 429: "too_many" }[r.status] || "report_refused";
      button.disabled = false;
      box.open = false;
      say(M["status_" + kind] || "", kind);
    }, function () { button.disabled = false; say(M.status_report_refused || "", "report_refused"); });
  });
})();
