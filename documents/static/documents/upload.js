/* Drop zone of a folder page: drag and drop (or choose) several files; each goes up in its
   own request with its own progress bar and its own answer from the server; the file list
   refreshes when the queue is done. Without JavaScript the form posts as a plain form. */
(function () {
  "use strict";

  // One upload at a time: they share the same connection anyway, and each file gets the
  // whole bandwidth, so the first ones are done (and listed) sooner.
  var PARALLEL = 1;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function setup(zone) {
    var form = zone.querySelector("[data-upload-form]");
    var input = zone.querySelector("input[type=file]");
    var target = zone.querySelector("[data-drop-target]");
    var list = zone.querySelector("[data-upload-list]");
    var status = zone.querySelector("[data-upload-status]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var msg = zone.dataset;
    var queue = [];
    var running = 0;
    var total = 0;
    var done = 0;
    var changed = false;

    form.classList.add("js-upload");

    function announce(text) {
      // Re-set so that screen readers announce a repeated message too.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function row(file) {
      var item = document.createElement("li");
      item.className = "upload-item";
      var name = document.createElement("span");
      name.className = "upload-name";
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      var state = document.createElement("span");
      state.className = "upload-state";
      state.textContent = msg.msgWaiting;
      item.append(name, bar, state);
      list.append(item);
      return { item: item, bar: bar, state: state };
    }

    function finish(entry, ok, text) {
      entry.ui.item.classList.add(ok ? "is-done" : "is-error");
      entry.ui.state.textContent = text;
      entry.ui.bar.value = ok ? 100 : entry.ui.bar.value;
      if (ok) {
        done += 1;
        changed = true;
        announce(format(msg.msgAdded, { name: entry.file.name }) + " " +
                 format(msg.msgSummary, { done: done, total: total }));
      } else {
        entry.ui.state.setAttribute("role", "alert");
        announce(format(msg.msgRefused, { name: entry.file.name, error: text }));
      }
      running -= 1;
      next();
    }

    function send(entry) {
      var xhr = new XMLHttpRequest();
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("file", entry.file, entry.file.name);
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) {
          entry.ui.bar.value = Math.round((event.loaded / event.total) * 100);
        }
      });
      xhr.addEventListener("load", function () {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        if (xhr.status >= 200 && xhr.status < 300 && answer && answer.ok) {
          finish(entry, true, msg.msgDone);
        } else if (answer && answer.error) {
          finish(entry, false, answer.error);
        } else if (xhr.status === 413) {
          finish(entry, false, msg.msgTooLarge);
        } else {
          finish(entry, false, msg.msgFailed + " (" + xhr.status + ")");
        }
      });
      xhr.addEventListener("error", function () { finish(entry, false, msg.msgNetwork); });
      xhr.addEventListener("abort", function () { finish(entry, false, msg.msgNetwork); });
      entry.ui.state.textContent = msg.msgUploading;
      xhr.send(data);
    }

    function next() {
      while (running < PARALLEL && queue.length) {
        running += 1;
        send(queue.shift());
      }
      if (running === 0 && !queue.length && changed) {
        changed = false;
        refresh();
      }
    }

    function add(files) {
      Array.prototype.forEach.call(files, function (file) {
        total += 1;
        queue.push({ file: file, ui: row(file) });
      });
      next();
    }

    function refresh() {
      var contents = document.querySelector("[data-folder-contents]");
      if (!contents) { return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("[data-folder-contents]");
          if (fresh) { contents.replaceWith(fresh); }
        })
        .catch(function () { /* the files are stored; a reload shows them */ });
    }

    input.addEventListener("change", function () {
      if (input.files.length) { add(input.files); }
      input.value = "";
    });

    ["dragenter", "dragover"].forEach(function (type) {
      target.addEventListener(type, function (event) {
        event.preventDefault();
        target.classList.add("is-over");
      });
    });
    ["dragleave", "dragend"].forEach(function (type) {
      target.addEventListener(type, function (event) {
        if (!target.contains(event.relatedTarget)) { target.classList.remove("is-over"); }
      });
    });
    target.addEventListener("drop", function (event) {
      event.preventDefault();
      target.classList.remove("is-over");
      if (event.dataTransfer && event.dataTransfer.files.length) { add(event.dataTransfer.files); }
    });
    // A file dropped next to the zone must not make the browser leave the page.
    window.addEventListener("dragover", function (event) { event.preventDefault(); });
    window.addEventListener("drop", function (event) { event.preventDefault(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-upload]").forEach(setup);
  });
}());
