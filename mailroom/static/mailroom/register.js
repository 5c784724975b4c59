// Mail registration: senders are listed as the clerk types (the "Search" button does the same without JavaScript),
// and the new sender's fields leave the keyboard path once an existing sender is chosen.
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  if (!form) { return; }
  var input = form.querySelector("[data-sender-search]");
  var results = document.getElementById("sender-results");
  var status = document.getElementById("sender-status");
  var newSender = document.getElementById("new-sender");
  var findButton = form.querySelector("button[name=find]");
  var timer = null;
  var last = input.value.trim();

  function syncNewSender() {
    var chosen = form.querySelector("input[name=contact]:checked");
    newSender.hidden = Boolean(chosen && chosen.value);
  }

  function search() {
    var query = input.value.trim();
    if (query === last) { return; }
    last = query;
    if (query.length < 2) { results.innerHTML = ""; status.textContent = ""; syncNewSender(); return; }
    fetch(form.dataset.matchesUrl + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (query !== last) { return; }
        results.innerHTML = html;
        var legend = results.querySelector("legend");
        status.textContent = legend ? legend.textContent : "";
        syncNewSender();
      })
      .catch(function () { /* the Search button still works */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 200);
  });
  input.addEventListener("keydown", function (event) {
    // Enter in the search box searches instead of registering the mail half-typed.
    if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); last = null; search(); }
  });
  results.addEventListener("change", syncNewSender);
  if (findButton) { findButton.hidden = true; }  // the list follows the typing: the button is for no-JS only
  syncNewSender();
}());
