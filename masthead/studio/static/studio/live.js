// The editor's "Publishing… / Live · View post" line (studio/_editor_live.html): while
// the post's change is on its way to the public site, ask the studio where it stands
// (/studio/posts/ID/live/) a few times a second, and show the answer. Without
// JavaScript the page shows the state it was drawn with, and a "Check again" link.
(function () {
  "use strict";
  var box = document.getElementById("live-state");
  if (!box || !box.dataset.url) return;
  var started = Date.now();

  function show(state) {
    box.hidden = state.state === "draft";
    box.className = "live live-" + state.state;
    box.textContent = "";
    var message = document.createElement("span");
    message.className = "live-message";
    message.textContent = state.message;
    box.appendChild(message);
    if (state.url) {
      box.appendChild(document.createTextNode(" · "));
      var link = document.createElement("a");
      link.href = state.url;
      link.textContent = box.dataset.view || "View post";
      box.appendChild(link);
    }
  }

  function ask() {
    var wait = 250;
    fetch(box.dataset.url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (state) {
          show(state);
          if (!state.pending) return;
          wait = state.poll_ms || wait;
        }
        // A long build (a new theme on a large site) is asked about less often.
        if (Date.now() - started > 60000) wait = 5000;
        setTimeout(ask, wait);
      })
      .catch(function () { setTimeout(ask, 2000); });
  }

  if (box.hasAttribute("data-pending")) ask();
})();
