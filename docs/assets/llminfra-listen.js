/* Playback speed for audio summaries: chosen on the 收听 page, remembered in
 * localStorage, applied to every player on every page. */
(function () {
  "use strict";

  var STORAGE_KEY = "llminfra.playbackRate";
  var RATES = [1, 1.25, 1.5, 2];

  function savedRate() {
    var value = NaN;
    try {
      value = parseFloat(window.localStorage.getItem(STORAGE_KEY));
    } catch (error) {
      // Storage can be disabled (privacy settings): fall back to normal speed.
    }
    return RATES.indexOf(value) >= 0 ? value : 1;
  }

  function remember(rate) {
    try {
      window.localStorage.setItem(STORAGE_KEY, String(rate));
    } catch (error) {
      // Not remembered, still applied to this page.
    }
  }

  function applyToPlayers(rate) {
    document.querySelectorAll("audio").forEach(function (player) {
      player.defaultPlaybackRate = rate;
      player.playbackRate = rate;
    });
  }

  function showChoice(rate) {
    document.querySelectorAll("[data-llm-speed]").forEach(function (button) {
      var chosen = parseFloat(button.getAttribute("data-llm-speed")) === rate;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.classList.toggle("md-button--primary", chosen);
    });
    // The control is hidden in the HTML: without this script it would do nothing.
    document.querySelectorAll("[data-llm-speed-control]").forEach(function (control) {
      control.hidden = false;
    });
  }

  function refresh() {
    var rate = savedRate();
    applyToPlayers(rate);
    showChoice(rate);
  }

  // Delegated, so buttons brought in by instant navigation work too.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-llm-speed]");
    if (!button) return;
    var rate = parseFloat(button.getAttribute("data-llm-speed"));
    if (RATES.indexOf(rate) < 0) return;
    remember(rate);
    applyToPlayers(rate);
    showChoice(rate);
  });

  // "play" does not bubble: listen in the capture phase. Covers players
  // the page gained after the last refresh.
  document.addEventListener("play", function (event) {
    var player = event.target;
    if (!(player instanceof HTMLMediaElement)) return;
    var rate = savedRate();
    if (player.playbackRate !== rate) player.playbackRate = rate;
  }, true);

  // Material's instant navigation swaps the page without reloading scripts;
  // document$ emits after every swap (and on the first load).
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(refresh);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
