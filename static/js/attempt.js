/* An assessment attempt: autosave, the question list's answered marks, and the countdown.
 *
 * Without this file the page still works: every question is a form that saves
 * with its buttons. With it, an answer is saved as soon as it changes (text
 * after a pause in typing), failed saves are retried with backoff until the
 * connection returns, and the countdown submits the attempt when time is up.
 * Messages come from data attributes, so they are translated by the server.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-attempt]");
  if (!root) {
    return;
  }
  var answerUrl = root.getAttribute("data-answer-url");
  var status = document.getElementById("save-status");
  var nav = document.querySelector(".question-nav");
  var TEXT_DELAY = 800;
  var MAX_BACKOFF = 30000;
  var states = {};

  function csrfToken() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(key) {
    var text = key ? status.getAttribute("data-msg-" + key) || "" : "";
    // Only a change of text is announced: the same "Saved" again says nothing.
    if (status.textContent !== text) {
      status.textContent = text;
    }
    status.className = "save-status" + (key ? " save-status--" + key : "");
  }

  function anyFailing() {
    return Object.keys(states).some(function (key) {
      return states[key].failures > 0;
    });
  }

  function valueOf(form) {
    var type = form.getAttribute("data-type");
    if (type === "multiple") {
      return Array.prototype.map.call(form.querySelectorAll("input[name=answer]:checked"), function (input) {
        return parseInt(input.value, 10);
      });
    }
    if (type === "single" || type === "true_false") {
      var checked = form.querySelector("input[name=answer]:checked");
      return checked ? parseInt(checked.value, 10) : null;
    }
    var field = form.querySelector("[name=answer]");
    return field ? field.value : null;
  }

  function isAnswered(value) {
    if (value === null || value === undefined) {
      return false;
    }
    if (Array.isArray(value)) {
      return value.length > 0;
    }
    return String(value).trim() !== "";
  }

  function markNavigation(position, answered) {
    if (!nav) {
      return;
    }
    var link = nav.querySelector('a[data-position="' + position + '"]');
    if (link) {
      link.classList.toggle("is-answered", answered);
      var state = link.querySelector(".question-nav__state");
      state.textContent = nav.getAttribute(answered ? "data-answered" : "data-unanswered");
    }
    var counter = nav.querySelector("[data-answered-count]");
    if (counter) {
      var links = nav.querySelectorAll("a[data-position]");
      var done = nav.querySelectorAll("a.is-answered").length;
      counter.textContent = counter
        .getAttribute("data-template")
        .replace("ANSWERED", String(done))
        .replace("TOTAL", String(links.length));
    }
  }

  function showError(form, message) {
    var error = form.querySelector(".question__error");
    if (error && error.textContent !== message) {
      error.textContent = message;
    }
    form.classList.toggle("question--error", Boolean(message));
  }

  function stateFor(form) {
    var position = form.getAttribute("data-position");
    if (!states[position]) {
      states[position] = { form: form, position: position, timer: null, inFlight: null, pending: false, failures: 0 };
    }
    return states[position];
  }

  function schedule(form, delay) {
    var state = stateFor(form);
    state.pending = true;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      send(state, false);
    }, delay);
  }

  function retryLater(state) {
    state.failures += 1;
    state.pending = true;
    say("retrying");
    var delay = Math.min(MAX_BACKOFF, 1000 * Math.pow(2, state.failures - 1));
    clearTimeout(state.timer);
    state.timer = setTimeout(function () {
      send(state, false);
    }, delay);
  }

  // Sends the form's current value; one request at a time per question, the latest value last.
  function send(state, keepalive) {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.inFlight) {
      state.pending = true;
      return state.inFlight;
    }
    if (!state.pending) {
      return Promise.resolve();
    }
    state.pending = false;
    var value = valueOf(state.form);
    var request = fetch(answerUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      keepalive: keepalive,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ position: parseInt(state.position, 10), answer: value })
    })
      .then(function (response) {
        state.inFlight = null;
        if (response.type === "opaqueredirect" || response.status === 403) {
          state.pending = true;
          say("signed-out");
          return;
        }
        if (response.status === 409) {
          say("closed");
          window.setTimeout(function () {
            window.location.reload();
          }, 1500);
          return;
        }
        if (response.status >= 500) {
          retryLater(state);
          return;
        }
        return response.json().then(function (data) {
          if (response.ok) {
            state.failures = 0;
            showError(state.form, "");
            markNavigation(state.position, isAnswered(value));
            if (state.pending) {
              return send(state, false);
            }
            say(anyFailing() ? "retrying" : "saved");
          } else {
            state.failures = 0;
            showError(state.form, data.error || "");
            say("error");
          }
        });
      })
      .catch(function () {
        // Offline or the server unreachable: keep the answer and try again.
        state.inFlight = null;
        retryLater(state);
      });
    state.inFlight = request;
    return request;
  }

  function flushAll(keepalive) {
    return Promise.all(
      Object.keys(states).map(function (key) {
        var state = states[key];
        return state.pending || state.timer ? send(state, keepalive) : state.inFlight || Promise.resolve();
      })
    );
  }

  // Whether the student changed the answer before this script ran (it is deferred: on a slow link the
  // page can be answered first), which no event will report.
  function changedSinceLoad(form) {
    return Array.prototype.some.call(form.querySelectorAll("[name=answer]"), function (field) {
      if (field.type === "radio" || field.type === "checkbox") {
        return field.checked !== field.defaultChecked;
      }
      return field.value !== field.defaultValue;
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll("form.question"), function (form) {
    var type = form.getAttribute("data-type");
    var typed = type === "short_answer" || type === "essay" || type === "numeric";
    if (changedSinceLoad(form)) {
      schedule(form, 0);
    }
    form.addEventListener(typed ? "input" : "change", function () {
      schedule(form, typed ? TEXT_DELAY : 0);
    });
    if (typed) {
      // Leaving the field saves at once rather than after the pause.
      form.addEventListener("change", function () {
        schedule(form, 0);
      });
    }
    form.addEventListener("submit", function (event) {
      // "Save answer" (all questions on one page) saves in place; Previous and Next go on as forms do.
      var submitter = event.submitter;
      if (!submitter || submitter.name !== "next") {
        event.preventDefault();
        stateFor(form).pending = true;
        send(stateFor(form), false);
      }
    });
  });

  window.addEventListener("online", function () {
    Object.keys(states).forEach(function (key) {
      if (states[key].failures > 0) {
        send(states[key], false);
      }
    });
  });
  window.addEventListener("pagehide", function () {
    flushAll(true);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flushAll(true);
    }
  });

  // The countdown: the server says how many seconds are left; the clock here only counts them down.
  var countdown = root.querySelector("[data-countdown]");
  if (!countdown) {
    return;
  }
  var end = Date.now() + 1000 * parseInt(countdown.getAttribute("data-seconds-left"), 10);
  var clock = countdown.querySelector(".countdown__time");
  var alert = countdown.querySelector("[data-countdown-alert]");
  var startLeft = Math.ceil((end - Date.now()) / 1000);
  // Spoken warnings, in minutes left: the live region is polite and says only these, never each second.
  var WARNINGS = [10, 5, 1];
  var announced = {};
  WARNINGS.forEach(function (minutes) {
    // A warning whose moment had passed before the page opened is not given late.
    announced[minutes] = startLeft <= minutes * 60;
  });
  var finished = false;

  function two(number) {
    return number < 10 ? "0" + number : String(number);
  }

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return (hours ? hours + ":" + two(minutes) : two(minutes)) + ":" + two(rest);
  }

  function announce(key) {
    alert.textContent = countdown.getAttribute("data-msg-" + key);
  }

  function timeUp() {
    finished = true;
    announce("0");
    var form = document.getElementById("timeout-form");
    var done = function () {
      if (form) {
        form.submit();
      } else {
        window.location.reload();
      }
    };
    // Save what is pending first, but never wait long: the server's grace period is short.
    Promise.race([
      flushAll(false),
      new Promise(function (resolve) {
        window.setTimeout(resolve, 3000);
      })
    ]).then(done, done);
  }

  function tick() {
    if (finished) {
      return;
    }
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    clock.textContent = format(left);
    if (left <= 300) {
      countdown.classList.add("countdown--low");
    }
    WARNINGS.forEach(function (minutes, index) {
      var next = WARNINGS[index + 1] || 0;
      if (left <= minutes * 60 && left > next * 60 && !announced[minutes]) {
        announced[minutes] = true;
        announce(String(minutes));
      }
    });
    if (left === 0) {
      timeUp();
    }
  }

  tick();
  window.setInterval(tick, 500);
})();
