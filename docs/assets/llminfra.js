/* Reader-side behaviour for entries: one audio summary at a time, copy links. */
(function () {
  "use strict";

  // Starting one player pauses every other one. "play" does not bubble, so
  // listen in the capture phase; this survives instant navigation.
  document.addEventListener("play", function (event) {
    var current = event.target;
    if (!(current instanceof HTMLMediaElement)) return;
    document.querySelectorAll("audio, video").forEach(function (media) {
      if (media !== current && !media.paused) media.pause();
    });
  }, true);

  function entryUrl(anchor) {
    var url = new URL(window.location.href);
    url.hash = anchor;
    return url.toString();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".llm-copy-link");
    if (!button) return;
    var url = entryUrl(button.getAttribute("data-anchor"));
    var done = function () {
      button.classList.add("llm-copy-link--done");
      button.textContent = "已复制";
      setTimeout(function () {
        button.classList.remove("llm-copy-link--done");
        button.textContent = "复制链接";
      }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { window.prompt("复制本条链接：", url); });
    } else {
      window.prompt("复制本条链接：", url);
    }
  });
})();
