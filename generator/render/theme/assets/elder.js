/* 长者模式 (适老化): larger text and line spacing, switched by the header button and kept in
   localStorage. Loaded in <head> so that a remembered choice applies before the first paint. */
(function () {
  "use strict";
  var KEY = "dp-elder";
  var CLASS = "dp-elder";
  var root = document.documentElement;

  function remembered() {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch (error) {
      return false; /* storage disabled: the mode lasts for this page only */
    }
  }

  function remember(on) {
    try {
      window.localStorage.setItem(KEY, on ? "1" : "0");
    } catch (error) {
      /* storage disabled or full: nothing to keep */
    }
  }

  function show(on) {
    root.classList.toggle(CLASS, on);
    var buttons = document.querySelectorAll("[data-dp-elder-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
      var state = buttons[i].querySelector(".dp-elder-toggle__state");
      if (state) state.textContent = on ? "（已开启）" : "";
    }
  }

  show(remembered());
  document.addEventListener("DOMContentLoaded", function () {
    show(remembered());
    document.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-dp-elder-toggle]");
      if (!button) return;
      var on = !root.classList.contains(CLASS);
      remember(on);
      show(on);
    });
  });
})();
