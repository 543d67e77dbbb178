/* Comments for a blog page. Paste where the comments go:
     <div data-comments data-site="SITE" data-article="ID"></div>
     <script src="https://HOST/embed.js" async></script>
     <noscript><a href="https://HOST/embed/SITE?article=ID">Read and write comments</a></noscript>
   Each placeholder becomes an iframe of HOST/embed/SITE?article=ID (ID defaults to the page's
   path), loaded when it nears the viewport and resized to its content (it grows and shrinks).
   The frame takes the placeholder's font family, text and link colours and background, read
   from the computed style (data-inherit="off" to keep the widget's own). Optional attributes:
   data-lang, data-order (oldest|newest|top), data-theme-accent="#c00" (any theme property; these
   and the site's theme win over the inherited look). */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = new URL(script ? script.src : "/embed.js", location.href).origin;
  var defaults = script ? script.dataset : {};
  var frames = [];

  function kebab(s) {
    return s.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); }).replace(/^-/, "");
  }

  /* The host's look where the placeholder sits: font, text colour, link colour, and the first
     opaque background up the tree. */
  function look(el, q) {
    var s = getComputedStyle(el), a = document.createElement("a"), n = el, bg;
    a.href = "#";
    el.appendChild(a);
    q.set("host-accent", getComputedStyle(a).color);
    el.removeChild(a);
    q.set("host-fg", s.color);
    q.set("host-font", s.fontFamily);
    for (; n && n.nodeType === 1; n = n.parentElement) {
      bg = getComputedStyle(n).backgroundColor;
      if (bg && !/^transparent$|^rgba\(.*,\s*0\)$/.test(bg)) return q.set("host-bg", bg);
    }
    /* no background of its own: the browser's canvas, white unless the page lets it go dark */
    if (/dark/.test(getComputedStyle(document.documentElement).colorScheme) &&
        matchMedia("(prefers-color-scheme: dark)").matches) { q.delete("host-fg"); q.delete("host-accent"); }
    else q.set("host-bg", "rgb(255, 255, 255)");
  }

  function build(el) {
    if (el.getAttribute("data-comments-ready")) return;
    var d = el.dataset, site = d.site || defaults.site;
    if (!site) return;
    el.setAttribute("data-comments-ready", "1");
    var q = new URLSearchParams();
    q.set("article", d.article || location.pathname);
    ["lang", "order"].forEach(function (k) {
      var v = d[k] || defaults[k];
      if (v) q.set(k, v);
    });
    Object.keys(d).forEach(function (k) {
      if (/^theme[A-Z]/.test(k)) q.set("theme-" + kebab(k.slice(5)), d[k]);
    });
    if ((d.inherit || defaults.inherit) !== "off") look(el, q);
    if (document.title) q.set("title", document.title.slice(0, 300));
    q.set("url", (location.origin + location.pathname).slice(0, 2048));
    var f = document.createElement("iframe");
    f.src = origin + "/embed/" + encodeURIComponent(site) + "?" + q.toString();
    // The page inside learns where to send its height from its window name.
    f.name = "comments|" + location.origin;
    f.title = d.title || "Comments";
    if (d.title) f.setAttribute("data-title", "1");
    f.setAttribute("loading", "lazy");
    f.style.cssText = "display:block;width:100%;border:0;overflow:hidden;height:" + (parseInt(d.height, 10) || 420) + "px";
    el.appendChild(f);
    frames.push(f);
  }

  window.addEventListener("message", function (e) {
    if (e.origin !== origin || !e.data || e.data.type !== "comments:height") return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === e.source) {
        var h = Math.min(Math.max(Number(e.data.height) || 0, 60), 200000);
        frames[i].style.height = Math.ceil(h) + "px";
        /* the frame's title in the page's language, for screen readers */
        if (typeof e.data.title === "string" && !frames[i].hasAttribute("data-title")) {
          frames[i].title = e.data.title.slice(0, 200);
        }
      }
    }
  });

  function start() {
    var els = document.querySelectorAll("[data-comments]");
    var io = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (en.isIntersecting) { io.unobserve(en.target); build(en.target); }
      });
    }, { rootMargin: "800px 0px" }) : null;
    for (var i = 0; i < els.length; i++) {
      if (io) io.observe(els[i]); else build(els[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
