/* Offline reading: registers the service worker and enhances the home page's
   "Save for offline" control (hidden without JavaScript). */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var lang = document.documentElement.lang;
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  function megabytes(bytes) {
    return Math.max(Math.round(bytes / 100000) / 10, 0.1).toLocaleString(lang);
  }
  function ask(worker, message, onAnswer) {
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) { onAnswer(event.data); };
    worker.postMessage(message, [channel.port2]);
  }

  navigator.serviceWorker.ready.then(function (registration) {
    // The first visit in this language: the worker saves it in the background.
    if (registration.active) registration.active.postMessage({type: "visit", lang: lang});
  });

  var box = document.querySelector(".offline-save");
  if (!box) return;
  var button = box.querySelector(".offline-button");
  var status = box.querySelector(".offline-status");
  var list = null;

  fetch(box.getAttribute("data-list"), {credentials: "same-origin"})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (found) {
      if (!found) return;
      list = found;
      button.textContent = fill(box.getAttribute("data-label"),
                                {pages: found.pages, size: megabytes(found.bytes)});
      box.hidden = false;
      return navigator.serviceWorker.ready.then(function (registration) {
        ask(registration.active, {type: "status", lang: lang}, function (answer) {
          if (answer.saved && answer.saved.state === found.state) {
            status.textContent = fill(box.getAttribute("data-saved"),
              {pages: answer.saved.pages, size: megabytes(answer.saved.bytes)});
          }
        });
      });
    })
    .catch(function () {});

  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.serviceWorker.ready.then(function (registration) {
      ask(registration.active, {type: "save", lang: lang}, function (message) {
        if (message.type === "progress") {
          status.textContent = fill(box.getAttribute("data-progress"),
                                    {done: message.done, total: message.total});
        } else if (message.type === "saved") {
          button.disabled = false;
          status.textContent = fill(box.getAttribute("data-saved"),
                                    {pages: message.pages, size: megabytes(message.bytes)});
          box.setAttribute("data-saved-state", message.state);
        } else if (message.type === "failed") {
          button.disabled = false;
          status.textContent = box.getAttribute("data-failed");
        }
      });
    });
  });
}());
