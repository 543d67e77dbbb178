/* "Comments (N)" next to every article link, in one request per site:
     <a href="/posts/hello" data-comments-count data-site="SITE">Comments</a>
     <script src="https://HOST/count.js" data-site="SITE" async></script>
   The article is data-article, else the link's path, else the page's path. The text is
   data-zero / data-one / data-many / data-template ("{n}" is the number), on the element or on
   the script tag; otherwise the widget's words in data-lang, else the page's <html lang>, with
   the language's plural forms. A comment posted in an embed on this page updates the figures
   at once (a message from the service's own frame). */
(function () {
  "use strict";
  var FORMS = /*FORMS*/{};
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/count.js", location.href).origin;
  var defaults = script ? script.dataset : {};
  var own = Object.prototype.hasOwnProperty;

  function pick(el, name) { return el.dataset[name] || defaults[name]; }

  function words(el, n) {
    var lang = (pick(el, "lang") || document.documentElement.lang || "en").toLowerCase().split("-")[0];
    var forms = FORMS[lang] || FORMS.en, form = "other";
    if (!forms) return "";
    try { form = new Intl.PluralRules(lang).select(n); } catch (e) { /* no Intl: "other" */ }
    return forms[form] || forms.other;
  }

  function text(el, n) {
    var t = n === 0 ? pick(el, "zero") : n === 1 ? pick(el, "one") : pick(el, "many");
    return (t || pick(el, "template") || words(el, n) || "Comments ({n})").replace(/\{n\}/g, String(n));
  }

  function key(el) {
    if (el.dataset.article) return el.dataset.article;
    if (el.href) return new URL(el.href, location.href).pathname;
    return location.pathname;
  }

  function load(site, keys, els) {
    var q = keys.map(function (k) { return "article=" + encodeURIComponent(k); }).join("&");
    fetch(origin + "/api/v1/sites/" + encodeURIComponent(site) + "/counts?" + q, { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body || !body.counts) return;
        els.forEach(function (el) {
          var k = el.getAttribute("data-comments-key");
          if (own.call(body.counts, k)) el.textContent = text(el, body.counts[k]);
        });
      }, function () {});
  }

  /* the embed's page says its new count after a post or a delete */
  window.addEventListener("message", function (e) {
    var m = e.data, n = m && m.count;
    if (e.origin !== origin || !m || m.type !== "comments:count" || n !== Math.floor(n) || n < 0) return;
    var els = document.querySelectorAll("[data-comments-key]");
    for (var i = 0; i < els.length; i++) {
      if (pick(els[i], "site") === m.site && els[i].getAttribute("data-comments-key") === m.article) {
        els[i].textContent = text(els[i], n);
      }
    }
  });

  function run() {
    var groups = {}, els = document.querySelectorAll("[data-comments-count]");
    for (var i = 0; i < els.length; i++) {
      var site = pick(els[i], "site");
      if (!site) continue;
      els[i].setAttribute("data-comments-key", key(els[i]));
      (groups[site] = groups[site] || []).push(els[i]);
    }
    Object.keys(groups).forEach(function (site) {
      var keys = [];
      groups[site].forEach(function (el) {
        var k = el.getAttribute("data-comments-key");
        if (keys.indexOf(k) < 0) keys.push(k);
      });
      for (var j = 0; j < keys.length; j += 100) load(site, keys.slice(j, j + 100), groups[site]);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
