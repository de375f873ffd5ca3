/* Vinh Danh pages: small progressive enhancements, no build step.
 * - inbox: select all, selected count, bulk fields per action, rows re-fetched on
 *   the "vd:inbox-changed" event (sent by notifications/live.js);
 * - bulk job and export pages: poll their progress until the job is done (or failed);
 * - nomination form: shows the dossier checklist of the chosen award.
 */
(function () {
  "use strict";

  function checkedIds() {
    return Array.prototype.map.call(
      document.querySelectorAll('#inbox-rows input[name="ids"]:checked'),
      function (box) { return box.value; }
    );
  }

  function updateSelectedCount() {
    var out = document.querySelector("[data-selected-count]");
    if (out) { out.textContent = String(checkedIds().length); }
  }

  function showBulkFields() {
    var select = document.querySelector("[data-bulk-action]");
    if (!select) { return; }
    document.querySelectorAll("#bulk-form [data-for]").forEach(function (el) {
      // A field may serve several actions: data-for="approve report".
      el.hidden = el.getAttribute("data-for").split(" ").indexOf(select.value) < 0;
    });
  }

  function refreshRows() {
    var box = document.getElementById("inbox-rows");
    if (!box) { return; }
    fetch(box.getAttribute("data-rows-url"), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      // Read the selection now, not before the fetch: ticks made while it ran are kept too.
      var keep = checkedIds();
      box.innerHTML = html;
      keep.forEach(function (id) {
        var el = box.querySelector('input[name="ids"][value="' + id + '"]');
        if (el) { el.checked = true; }
      });
      updateSelectedCount();
    }).catch(function () { /* keep the rows we have; the next event retries */ });
  }

  function pollJob() {
    var holder = document.getElementById("job");
    if (!holder) { return; }
    var status = holder.querySelector("[data-job-status]");
    var state = status && status.getAttribute("data-job-status");
    if (state === "done" || state === "failed") { return; }
    window.setTimeout(function () {
      fetch(holder.getAttribute("data-job-url"), { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { holder.innerHTML = html; })
        .catch(function () {})
        .then(pollJob);
    }, 500);
  }

  function showAwardDocs() {
    var select = document.getElementById("id_award");
    var out = document.querySelector("[data-award-docs]");
    if (!select || !out) { return; }
    var option = select.options[select.selectedIndex];
    var docs = option ? option.getAttribute("data-docs") : "";
    out.textContent = docs ? (out.getAttribute("data-prefix") || "") + docs : "";
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll('#inbox-rows input[name="ids"]').forEach(function (box) {
        box.checked = target.checked;
      });
    }
    if (target.matches('#inbox-rows input[name="ids"], [data-select-all]')) { updateSelectedCount(); }
    if (target.matches("[data-bulk-action]")) { showBulkFields(); }
    if (target.id === "id_award") { showAwardDocs(); }
  });

  // Actions that end, refuse or remove something ask first (workflow/policy.py Rule.confirm);
  // in the bulk form the question is the chosen action's.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    var select = form.querySelector("[data-bulk-action]");
    if (select && select.selectedIndex >= 0) {
      question = select.options[select.selectedIndex].getAttribute("data-confirm");
    }
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("vd:inbox-changed", refreshRows);

  document.addEventListener("DOMContentLoaded", function () {
    showBulkFields();
    updateSelectedCount();
    showAwardDocs();
    pollJob();
  });
})();
