// Issuing a notice: post "next step" until every document is stored, updating the bar.
// Without JavaScript the form's "continue" button does the same one request at a time.
(function () {
  "use strict";
  var form = document.querySelector("form[data-issue-steps]");
  if (!form) {
    return;
  }
  var bar = document.querySelector("[data-progress-bar]");
  var storedText = document.querySelector("[data-stored]");
  var totalText = document.querySelector("[data-total]");
  var button = form.querySelector("button");

  function show(stored, total) {
    bar.max = total;
    bar.value = stored;
    storedText.textContent = String(stored);
    totalText.textContent = String(total);
  }

  function step() {
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        show(state.stored, state.total);
        if (state.done) {
          window.location.reload();
        } else {
          step();
        }
      })
      .catch(function () {
        // Leave the button for a retry by hand; issuing resumes where it stopped.
        button.disabled = false;
      });
  }

  button.disabled = true;
  step();
})();
