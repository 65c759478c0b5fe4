/* Reader-side behaviour: one audio summary at a time, copy links, search fixes for Chinese. */
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

  // The entry's permanent address: without the query string, which holds
  // transient state such as the search highlight (?h=...).
  function entryUrl(anchor) {
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = anchor;
    return url.toString();
  }

  // The copy-link buttons are in the HTML (overrides/llminfra/entry-meta.html); clicks are delegated, so
  // buttons brought in by Material's instant navigation work too.
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

  // Material runs a search on keyup only. Pasting from a phone's context menu
  // and some input methods change the query without any keyup, so the reader
  // would see no results: forward those changes as a keyup.
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.matches(".md-search__input")) return;
    if (event.isComposing) return;  // the input method has not committed the word yet
    input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  });

  // On phones Material locks the page's scrolling while search is open and
  // unlocks it only 100 ms after a result is chosen. When the result's page
  // is already there (same page, or a fast connection), the jump to the entry
  // happens while the page is locked and is lost: the reader lands at the
  // top of the page. Unlock as soon as a result is chosen; Material's own
  // delayed unlock then finds nothing to restore. (llminfra.css keeps the
  // closing search overlay from widening the unlocked page meanwhile.)
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("a.md-search-result__link")) return;
    if (!document.body.hasAttribute("data-md-scrolllock")) return;
    document.body.removeAttribute("data-md-scrolllock");
    document.body.style.top = "";
  }, true);
})();
