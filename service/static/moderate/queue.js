/* The moderator queue from the keyboard: j/k move, a/r/s decide, x selects, u undoes, ? helps.
 * Every action posts to the same endpoint as the page's own forms (CSRF token included), so
 * the queue works the same without this script, just with a reload per action. */
(function () {
  "use strict";

  var items = [];
  var current = -1;
  var lastAction = null;
  var LABELS = { approved: "Approved", rejected: "Rejected", spam: "Marked as spam",
                 deleted: "Deleted", pending: "Back in review" };

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function announce(text, isError) {
    var live = document.getElementById("live");
    if (!live) { return; }
    live.textContent = text;
    live.classList.toggle("error", !!isError);
  }

  function post(url, fields) {
    var body = new FormData();
    body.append("csrf_token", csrfToken());
    Object.keys(fields).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return { message: response.statusText }; })
        .then(function (data) {
          if (!response.ok) { throw new Error(data.message || ("Error " + response.status)); }
          return data;
        });
    });
  }

  function focusItem(index) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (item, i) { item.classList.toggle("current", i === current); });
    items[current].scrollIntoView({ block: "nearest" });
  }

  function showStatus(item, status, revision) {
    item.dataset.status = status;
    if (revision) { item.dataset.revision = String(revision); }
    var badge = item.querySelector("[data-status-badge]");
    if (badge) {
      badge.textContent = status;
      badge.className = "badge status-" + status;
    }
    var revisionInput = item.querySelector('input[name="revision"]');
    if (revisionInput && revision) { revisionInput.value = String(revision); }
    item.classList.add("acted");
  }

  // The tab counts follow each action at once: one fewer where the comment was, one more
  // where it went ("10,000+" and the Reported tab, which a decision may or may not empty, stay).
  function moveCount(from, to) {
    [[from, -1], [to, 1]].forEach(function (pair) {
      var count = document.querySelector('.tab[data-tab="' + pair[0] + '"] .count');
      if (!count || /[^0-9,]/.test(count.textContent.trim())) { return; }
      var n = parseInt(count.textContent.replace(/,/g, ""), 10) + pair[1];
      if (!isNaN(n) && n >= 0) { count.textContent = n.toLocaleString("en-US"); }
    });
  }

  function act(item, status, options) {
    options = options || {};
    if (!item || item.classList.contains("busy")) { return; }
    var previous = item.dataset.status;
    /* approving a published comment readers reported keeps it and dismisses the reports */
    var keep = previous === status && status === "approved" && item.dataset.reported === "1";
    if (previous === status && !keep) { return; }
    var fields = { status: status };
    if (!options.undo && item.dataset.revision) { fields.revision = item.dataset.revision; }
    item.classList.add("busy");
    post(item.dataset.action, fields).then(function (data) {
      showStatus(item, data.status, data.revision);
      moveCount(data.previous, data.status);
      if (options.undo) {
        lastAction = null;
        announce("Undone: comment #" + data.id + " is " + data.status + " again.");
      } else if (keep) {
        item.dataset.reported = "";
        lastAction = null;  /* the reports are dismissed for good */
        moveCount("reported", null);
        var keepButton = item.querySelector('button[value="approved"]');
        if (keepButton) { keepButton.remove(); }
        announce("Kept: comment #" + data.id + "; its reports are dismissed.");
        if (items.indexOf(item) === current) { focusItem(current + 1); }
      } else {
        lastAction = { item: item, previous: data.previous };
        announce(LABELS[data.status] + ": comment #" + data.id + ". Press u to undo.");
        if (items.indexOf(item) === current) { focusItem(current + 1); }
      }
    }).catch(function (error) {
      item.classList.add("conflict");
      announce(error.message, true);
    }).then(function () { item.classList.remove("busy"); });
  }

  function undo() {
    if (!lastAction) { announce("Nothing to undo."); return; }
    act(lastAction.item, lastAction.previous, { undo: true });
  }

  function toggleSelect(item) {
    var box = item && item.querySelector("input.pick");
    if (!box) { return; }
    box.checked = !box.checked;
    countSelected();
  }

  function countSelected() {
    var counter = document.getElementById("bulk-count");
    if (counter) {
      counter.textContent = document.querySelectorAll("input.pick:checked").length + " selected";
    }
  }

  function toggleHelp() {
    var help = document.getElementById("help");
    if (help) { help.hidden = !help.hidden; }
  }

  var NOT_TEXT = ["checkbox", "radio", "button", "submit", "reset"];

  function typing(target) {
    var tag = target && target.tagName;
    if (tag === "INPUT") { return NOT_TEXT.indexOf(target.type) < 0; }  /* a ticked box still takes keys */
    return tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var item = items[current];
    var handled = true;
    switch (event.key) {
      case "j": focusItem(current + 1); break;
      case "k": focusItem(current - 1); break;
      case "a": act(item, "approved"); break;
      case "r": act(item, "rejected"); break;
      case "s": act(item, "spam"); break;
      case "x": toggleSelect(item); break;
      case "u": undo(); break;
      case "o": if (item) { window.location.assign(item.dataset.page); } break;
      case "?": toggleHelp(); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-action-form]")) { return; }
    var item = form.closest("li.item[data-action]");
    var button = event.submitter;
    if (!item || !button || !button.value) { return; }
    event.preventDefault();
    current = items.indexOf(item);
    focusItem(current);
    act(item, button.value);
  }

  /* A box whose Enter should press a button other than its form's first one (data-enter="id"). */
  function onEnter(event) {
    var target = event.target;
    if (event.key !== "Enter" || !target.dataset || !target.dataset.enter) { return; }
    var button = document.getElementById(target.dataset.enter);
    if (button) { event.preventDefault(); button.click(); }
  }

  function init() {
    items = Array.prototype.slice.call(document.querySelectorAll("#items > li.item"));
    document.addEventListener("keydown", onKey);
    document.addEventListener("keydown", onEnter);
    document.addEventListener("submit", onSubmit);
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input.pick")) {
        var ticked = items.indexOf(event.target.closest("li.item"));
        if (ticked >= 0) { focusItem(ticked); }  /* the keys go on from the item ticked by hand */
        countSelected();
      }
    });
    var helpButton = document.getElementById("help-button");
    if (helpButton) { helpButton.addEventListener("click", toggleHelp); }
    items.forEach(function (item, index) {
      item.addEventListener("click", function (event) {
        if (!event.target.closest("a, button, input, select, textarea, summary, label")) { focusItem(index); }
      });
    });
    if (items.length) { focusItem(0); }
    countSelected();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
