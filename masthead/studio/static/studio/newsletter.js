// The Newsletter page: a send still going is followed every two seconds (counts and
// progress bar), until every send on the page is done.
"use strict";
(function () {
  const table = document.getElementById("sends-table");
  if (!table || !table.querySelector("tr[data-running]")) return;
  async function poll() {
    let data;
    try {
      const response = await fetch("/studio/newsletter/progress/", {headers: {Accept: "application/json"}});
      if (!response.ok) return setTimeout(poll, 5000);
      data = await response.json();
    } catch (e) {
      return setTimeout(poll, 5000);
    }
    let running = false;
    for (const send of data.sends) {
      const row = table.querySelector(`tr[data-send="${send.id}"]`);
      if (!row) continue;
      // Columns: post, status, queued, sent, failed, bounced, unsubscribed, progress.
      ["queued", "sent", "failed", "bounced", "unsubscribed"].forEach((name, i) => {
        row.cells[i + 2].textContent = send[name];
      });
      row.cells[1].textContent = send.status.charAt(0).toUpperCase() + send.status.slice(1);
      const bar = row.querySelector("progress");
      bar.max = send.queued + send.sent + send.failed + send.bounced;
      bar.value = send.sent + send.failed + send.bounced;
      bar.textContent = send.sent;
      if (!send.done) running = true; else row.removeAttribute("data-running");
    }
    if (running) setTimeout(poll, 2000);
  }
  setTimeout(poll, 1000);
})();
