/* The comments page's own script. Without it the page works (form POST and redirect); with it:
   the form as one box until the reader starts, submitting without a reload, inline field
   errors, live preview, replies in place (a just-posted comment can be answered at once), the
   height and the comment count sent to the embedding page, and the reader's own comments kept
   in this browser's storage (held ones shown as awaiting moderation, edit and delete within
   the edit window). */
(function () {
  "use strict";
  var main = document.getElementById("comments");
  if (!main) return;
  var M = JSON.parse(document.getElementById("messages").textContent);
  var d = main.dataset, site = d.site, article = d.article;
  var form = document.getElementById("comment-form");
  var statusBox = document.getElementById("status");
  var thread = document.getElementById("thread");
  var heading = document.getElementById("heading");
  var STORE = "comments:own:" + site, AUTHOR = "comments:author:" + site;
  var KEEP_MS = 30 * 864e5;

  /* ---- the embedding page: our height and our count, to the origin embed.js named us after ---- */
  var parentOrigin = (window.name.indexOf("comments|") === 0) ? window.name.slice(9) : "";
  var framed = window.parent !== window;
  function tell(message) {
    if (!parentOrigin || !framed) return;
    try { window.parent.postMessage(message, parentOrigin); } catch (e) { /* a malformed origin: nobody to tell */ }
  }
  /* the body's own height, not the document's: that never drops below the frame's current
     height, so the frame could grow but never shrink */
  function postHeight() {
    tell({ type: "comments:height", height: Math.ceil(document.body.getBoundingClientRect().height), title: document.title });
  }
  function tellCount() {
    tell({ type: "comments:count", site: site, article: article, count: parseInt(heading.getAttribute("data-count"), 10) || 0 });
  }
  var back = document.getElementById("back");
  if (back && framed) back.remove(); /* the article is right around us */
  if (window.ResizeObserver) new ResizeObserver(postHeight).observe(document.body);
  window.addEventListener("load", postHeight);

  /* ---- small helpers ---- */
  function fmt(s, v) { return String(s).replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }); }
  var plurals;
  try { plurals = new Intl.PluralRules(d.lang); } catch (e) { plurals = null; }
  /* a catalogue entry with plural forms ({one, few, many, other...}) takes the form for n */
  function count(key, n) {
    var v = M[key];
    if (typeof v === "object") v = v[plurals ? plurals.select(n) : "other"] || v.other;
    return fmt(v, { n: n });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(cls, text, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  var dateFormat;
  try { dateFormat = new Intl.DateTimeFormat(d.lang, { dateStyle: "medium", timeStyle: "short" }); } catch (e) { dateFormat = null; }
  function localDate(iso) {
    var t = new Date(iso);
    return dateFormat && !isNaN(t) ? dateFormat.format(t) : iso;
  }
  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem(key) || "null");
      localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { return null; } /* storage blocked: the page still works, it just forgets */
  }
  function request(method, url, data, token) {
    var headers = { Accept: "application/json" };
    if (data) headers["Content-Type"] = "application/json";
    if (token) headers["X-Edit-Token"] = token;
    return fetch(url, { method: method, headers: headers, credentials: "same-origin",
                        body: data ? JSON.stringify(data) : undefined })
      .then(function (r) {
        return r.json().then(function (b) { return { status: r.status, body: b }; },
                             function () { return { status: r.status, body: {} }; });
      });
  }

  /* ---- status line (a live region) ---- */
  function say(kind, message, reasons) {
    statusBox.className = "status status-" + kind;
    statusBox.textContent = "";
    statusBox.appendChild(el("p", null, M["status_" + kind] + (message ? " " + message : "")));
    if (reasons && reasons.length) {
      var ul = el("ul");
      reasons.forEach(function (r) { ul.appendChild(el("li", null, r.message || String(r))); });
      statusBox.appendChild(ul);
    }
  }

  /* ---- the reader's own comments ---- */
  function own() {
    var list = store(STORE) || [], now = Date.now();
    return list.filter(function (e) { return e && e.id && now - Date.parse(e.created) < KEEP_MS; });
  }
  function remember(entry) {
    store(STORE, own().filter(function (e) { return e.id !== entry.id; }).concat([entry]).slice(-50));
  }
  function forget(id) { store(STORE, own().filter(function (e) { return e.id !== id; })); }

  function setCount(delta) {
    var n = Math.max(0, (parseInt(heading.getAttribute("data-count"), 10) || 0) + delta);
    heading.setAttribute("data-count", n);
    heading.textContent = count("heading", n);
    tellCount();
  }

  function buildComment(c, pending) {
    var li = el("li", "comment" + (pending ? " pending" : ""));
    li.id = "comment-" + c.id;
    var box = el("article", "comment-box");
    box.setAttribute("aria-label", fmt(M.comment_by, { name: c.author }));
    var meta = el("header", "meta"), author;
    if (c.avatar) {
      var face = el("img", "avatar");
      face.src = c.avatar;
      face.alt = "";
      face.width = face.height = 32;
      meta.appendChild(face);
    }
    if (c.website && /^https?:\/\//i.test(c.website)) {
      author = el("a", "author", c.author);
      author.href = c.website;
      author.rel = "nofollow ugc noopener";
    } else {
      author = el("span", "author", c.author);
    }
    meta.appendChild(author);
    var t = el("time", null, localDate(c.created));
    t.dateTime = c.created;
    meta.appendChild(t);
    if (c.edited) meta.appendChild(el("span", "edited", "(" + M.edited + ")"));
    if (pending) meta.appendChild(el("span", "badge", M.awaiting));
    box.appendChild(meta);
    var body = el("div", "body");
    body.dir = "auto"; /* a comment in another script than the page's keeps its own direction */
    body.innerHTML = c.body_html; /* sanitized by the service when it was stored */
    box.appendChild(body);
    if (pending) box.appendChild(el("p", "note", M.awaiting_note));
    var actions = box.appendChild(el("div", "actions"));
    var parent = c.parent_id && document.getElementById("comment-" + c.parent_id);
    var depth = parent ? (parseInt(parent.getAttribute("data-depth"), 10) || 1) + 1 : 1;
    li.setAttribute("data-depth", depth);
    if (!pending && depth < (parseInt(d.replyDepth, 10) || 3)) {
      var reply = el("a", "reply", M.reply);
      reply.target = "_self";
      reply.href = d.replyHref + c.id + "#comment-form";
      reply.setAttribute("data-reply", c.id);
      reply.setAttribute("data-author", c.author);
      actions.appendChild(reply);
    }
    li.appendChild(box);
    return li;
  }

  function place(li, parentId) {
    var parent = parentId && document.getElementById("comment-" + parentId);
    var empty = document.getElementById("empty");
    if (empty) empty.remove();
    if (parent) {
      var list = parent.querySelector(":scope > ol.replies");
      if (!list) { list = el("ol", "comments replies"); parent.appendChild(list); }
      list.appendChild(li);
    } else if (d.order === "newest") {
      thread.insertBefore(li, thread.firstChild);
    } else {
      thread.appendChild(li);
    }
  }

  function ownControls(entry) {
    var li = document.getElementById("comment-" + entry.id);
    if (!li) return;
    /* nobody votes on or reports their own comment: the service would refuse it */
    var others = li.querySelectorAll(":scope > article .votes, :scope > article .report");
    for (var k = 0; k < others.length; k++) others[k].remove();
    if (!entry.token || Date.now() > Date.parse(entry.until)) return;
    var actions = li.querySelector(":scope > article .actions");
    if (!actions || actions.querySelector(".edit")) return;
    var del = button("delete danger", M["delete"], function () {
      if (del.getAttribute("data-armed")) remove(entry, li);
      else { del.setAttribute("data-armed", "1"); del.textContent = M.confirm_delete; }
    });
    actions.appendChild(button("edit", M.edit, function () { openEditor(entry, li); }));
    actions.appendChild(del);
  }

  function openEditor(entry, li) {
    var box = li.querySelector(":scope > article"), body = box.querySelector(".body");
    if (box.querySelector(".edit-form")) return;
    var ed = el("form", "edit-form"), id = "edit-" + entry.id;
    var label = el("label", null, M.body);
    label.htmlFor = id;
    var area = el("textarea");
    area.id = id;
    area.rows = 5;
    area.value = entry.body || body.textContent;
    var err = el("p", "field-error");
    err.hidden = true;
    err.id = id + "-error";
    var bar = el("p", "submit");
    var save = el("button", null, M.save);
    save.type = "submit";
    bar.appendChild(save);
    bar.appendChild(button("secondary", M.cancel, function () { ed.remove(); body.hidden = false; postHeight(); }));
    [label, area, err, bar].forEach(function (n) { ed.appendChild(n); });
    ed.addEventListener("submit", function (ev) {
      ev.preventDefault();
      save.disabled = true;
      request("PATCH", d.commentApi + entry.id, { body: area.value }, entry.token).then(function (r) {
        save.disabled = false;
        if (r.status !== 200) {
          var errs = r.body.errors && r.body.errors.json;
          err.textContent = (errs && errs.body) ? [].concat(errs.body).join(" ") : (r.body.message || M.status_error);
          err.hidden = false;
          area.setAttribute("aria-invalid", "true");
          area.setAttribute("aria-describedby", err.id);
          return;
        }
        body.innerHTML = r.body.body_html; /* sanitized by the service */
        body.hidden = false;
        if (!box.querySelector(".edited")) box.querySelector(".meta time").after(el("span", "edited", "(" + M.edited + ")"));
        /* a rule may hold the new text: it leaves the public thread until a moderator approves it */
        var held = r.body.status === "pending" && !li.classList.contains("pending");
        entry.body = area.value;
        entry.body_html = r.body.body_html;
        entry.edited = true;
        entry.status = r.body.status;
        remember(entry);
        ed.remove();
        if (held) {
          li.classList.add("pending");
          box.querySelector(".meta").appendChild(el("span", "badge", M.awaiting));
          body.after(el("p", "note", M.awaiting_note));
          var replyLink = box.querySelector(".actions .reply");
          if (replyLink) replyLink.remove();
          setCount(-1);
        }
        say(held ? "pending" : "saved");
        postHeight();
      }, function () { save.disabled = false; say("error"); });
    });
    body.hidden = true;
    body.after(ed);
    area.focus();
    postHeight();
  }

  function remove(entry, li) {
    request("DELETE", d.commentApi + entry.id, null, entry.token).then(function (r) {
      if (r.status !== 204) { say("forbidden", r.body.message); return; }
      var replies = li.querySelector(":scope > ol.replies");
      if (replies) li.querySelector(":scope > article").remove(); else li.remove();
      if (entry.status === "approved") setCount(-1);
      forget(entry.id);
      say("deleted");
      postHeight();
    }, function () { say("error"); });
  }

  /* ---- replies: the form moves under the comment ---- */
  var home = document.createComment("comment form");
  var replying = document.getElementById("replying");
  function startReply(link) {
    var li = link.closest("li.comment");
    form.elements.parent_id.value = link.getAttribute("data-reply");
    document.getElementById("replying-text").textContent = fmt(M.replying_to, { name: link.getAttribute("data-author") });
    replying.hidden = false;
    li.insertBefore(form, li.querySelector(":scope > ol.replies"));
    form.elements.body.focus();
    postHeight();
  }
  function cancelReply() {
    form.elements.parent_id.value = "";
    replying.hidden = true;
    if (home.parentNode) home.parentNode.insertBefore(form, home);
    postHeight();
  }

  /* ---- the form ---- */
  var FIELDS = ["author", "email", "website", "body"];
  function clearErrors() {
    FIELDS.forEach(function (name) {
      var input = form.elements[name], p = document.getElementById("err-" + name);
      input.removeAttribute("aria-invalid");
      var ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== p.id; });
      if (ids.length) input.setAttribute("aria-describedby", ids.join(" ")); else input.removeAttribute("aria-describedby");
      p.hidden = true;
      p.textContent = "";
    });
  }
  function fieldErrors(errs) {
    var first = null, other = [];
    Object.keys(errs).forEach(function (name) {
      var msg = [].concat(errs[name]).join(" "), p = document.getElementById("err-" + name);
      if (FIELDS.indexOf(name) < 0 || !p) { other.push(msg); return; }
      var input = form.elements[name];
      p.textContent = msg;
      p.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
      first = first || input;
    });
    say("invalid", null, other);
    if (first) first.focus();
  }

  function submitted(r, data) {
    var c = r.body.comment, pending = r.body.status === "pending";
    var entry = { id: c.id, article: article, token: r.body.edit_token, until: r.body.edit_until, status: r.body.status,
                  author: c.author, website: c.website, avatar: c.avatar, body: data.body, body_html: c.body_html,
                  created: c.created,
                  parent_id: c.parent_id, edited: false };
    remember(entry);
    if (r.body.author_token) store(AUTHOR, { token: r.body.author_token });
    var saved = store(AUTHOR) || {};
    saved.author = data.author; saved.email = data.email || ""; saved.website = data.website || "";
    store(AUTHOR, saved);
    cancelReply();
    place(buildComment(c, pending), c.parent_id);
    ownControls(entry);
    if (!pending) setCount(1);
    form.elements.body.value = "";
    preview("");
    say(r.body.status);
  }

  var preview = function () {};
  if (form) {
    form.noValidate = true; /* the service's messages, inline, in the page's language */
    /* one "Write a comment" box until the reader starts */
    if (!form.elements.body.value && !form.elements.parent_id.value && !form.querySelector("[aria-invalid]")) {
      form.classList.add("collapsed");
      var expand = function () {
        if (form.classList.contains("collapsed")) { form.classList.remove("collapsed"); postHeight(); }
      };
      form.addEventListener("focusin", expand);
      /* text can arrive without focus (autofill, dictation, a frame whose window is not focused) */
      form.addEventListener("input", expand);
    }
    form.parentNode.insertBefore(home, form);
    var saved = store(AUTHOR) || {};
    ["author", "email", "website"].forEach(function (k) {
      if (saved[k] && !form.elements[k].value) form.elements[k].value = saved[k];
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clearErrors();
      var data = { article: article };
      ["author", "body", "homepage", "email", "website", "title", "url", "form_token"].forEach(function (k, i) {
        var v = form.elements[k].value;
        if (i < 3 || v) data[k] = v;
      });
      if (form.elements.parent_id.value) data.parent_id = parseInt(form.elements.parent_id.value, 10);
      if (form.elements.notify_replies.checked) data.notify_replies = true;
      if (saved.token || (store(AUTHOR) || {}).token) data.author_token = (store(AUTHOR) || {}).token;
      var submit = document.getElementById("submit");
      submit.disabled = true;
      submit.textContent = M.sending;
      request("POST", d.api, data).then(function (r) {
        submit.disabled = false;
        submit.textContent = M.submit;
        var b = r.body;
        if (r.status === 201 || r.status === 202) submitted(r, data);
        else if (r.status === 422 || r.status === 400) fieldErrors((b.errors && b.errors.json) || {});
        else if (r.status === 403 && b.reasons) say("rejected", null, b.reasons);
        else if (r.status === 429) say("throttled");
        else say(r.status === 403 ? "forbidden" : "error", b.message);
        postHeight();
      }, function () {
        submit.disabled = false;
        submit.textContent = M.submit;
        say("error");
      });
    });

    /* live preview, rendered by the service exactly as it would be stored */
    var previewBox = document.getElementById("preview-box"), previewBody = document.getElementById("preview");
    var timer = null, seq = 0;
    preview = function (text) {
      clearTimeout(timer);
      if (!text.trim()) { previewBox.hidden = true; previewBody.textContent = ""; postHeight(); return; }
      var mine = ++seq;
      timer = setTimeout(function () {
        request("POST", d.preview, { body: text }).then(function (r) {
          if (mine !== seq || r.status !== 200) return;
          previewBody.innerHTML = r.body.html; /* sanitized by the service */
          previewBox.hidden = false;
          postHeight();
        }, function () {});
      }, 350);
    };
    form.elements.body.addEventListener("input", function () { preview(form.elements.body.value); });
    /* text typed before this script ran, or restored by the browser, is previewed too */
    if (form.elements.body.value) preview(form.elements.body.value);
    document.getElementById("cancel-reply").addEventListener("click", function (ev) {
      ev.preventDefault();
      cancelReply();
      form.elements.body.focus();
    });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.reply");
    if (!link || !form) return;
    ev.preventDefault();
    startReply(link);
  });

  /* ---- on load: local dates, the reader's own comments ---- */
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) times[i].textContent = localDate(times[i].getAttribute("datetime"));
  own().forEach(function (entry) {
    if (entry.article !== article) return;
    var shown = document.getElementById("comment-" + entry.id);
    if (shown && !shown.classList.contains("pending") && entry.status === "pending") {
      entry.status = "approved";
      remember(entry);
    }
    if (!shown && entry.status === "pending") place(buildComment(entry, true), entry.parent_id);
    ownControls(entry);
  });
  postHeight();
  tellCount();
})();
