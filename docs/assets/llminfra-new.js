/* "New since your last visit": on the pages that carry a [data-llm-since] line (home, share lists, the weekly
 * index), mark the entries (and weeks) published after the reader's previous visit and say how many there are.
 * The visit is kept in localStorage only: no cookie, no request. The marks and the line are in the HTML from the
 * first paint with their space kept (head-styles.html), so nothing moves when this script shows them. */
(function () {
  "use strict";

  var STORAGE_KEY = "llminfra.visits";
  // Page views less than this far apart are one visit: from the home page on to the share page, the marks stay.
  var VISIT_GAP = 30 * 60 * 1000;
  var ENTRY_TIMES = ".llm-item__meta > time[datetime], .llm-entry-meta__line > time[datetime]";

  // Milliseconds since 1970 of a <time datetime>. A day without a time is noon UTC, as in the feeds
  // (llminfra.domain.model.DAY_TIME); an entry known only to its month is never new.
  function published(text) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(text + "T12:00:00Z");
    if (/^\d{4}-\d{2}-\d{2}T/.test(text)) return Date.parse(text);
    return NaN;
  }

  function load() {
    try {
      var visits = JSON.parse(window.localStorage.getItem(STORAGE_KEY));
      if (visits && typeof visits.seen === "number" && typeof visits.at === "number") return visits;
    } catch (error) {
      // Blocked or unreadable storage: as on a first visit.
    }
    return null;
  }

  function save(visits) {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(visits));
    } catch (error) {
      // Not remembered (private browsing, full storage); this page's marks still stand.
    }
  }

  // The newest entry the reader had seen when their previous visit ended (ms), or null on a first visit.
  // Compared with what the site held, not with the clock: an entry that upstream committed before that visit but
  // that reached the site after it is still new to the reader, and a wrong clock on the phone changes nothing.
  function previousVisit(newest) {
    var now = Date.now();
    var visits = load();
    var before = null;
    if (visits) {
      var startsVisit = now - visits.at > VISIT_GAP || now < visits.at;
      before = startsVisit ? visits.seen : (typeof visits.before === "number" ? visits.before : null);
    }
    save({ before: before, seen: Math.max(visits ? visits.seen : 0, newest), at: now });
    return before;
  }

  // Entries of a week published after ``before``, from its data-llm-times ("seconds*count seconds …").
  function arrivedAfter(times, before) {
    var count = 0;
    times.split(" ").forEach(function (token) {
      var parts = token.split("*");
      var seconds = Number(parts[0]);
      if (parts[0] && seconds * 1000 > before) count += parts.length > 1 ? Number(parts[1]) || 0 : 1;
    });
    return count;
  }

  function show(line) {
    var newest = Number(line.getAttribute("data-llm-since")) * 1000;
    if (!isFinite(newest)) return;
    var before = previousVisit(newest);
    var count = 0;
    if (before !== null) {
      var page = line.closest("article") || document;
      page.querySelectorAll(ENTRY_TIMES).forEach(function (time) {
        if (published(time.getAttribute("datetime")) > before) {
          time.parentNode.classList.add("llm-new");
          count += 1;
        }
      });
      page.querySelectorAll("[data-llm-times]").forEach(function (week) {
        var fresh = arrivedAfter(week.getAttribute("data-llm-times"), before);
        if (fresh > 0) {
          week.setAttribute("data-llm-new", String(fresh));
          week.classList.add("llm-new");
          count += fresh;
        }
      });
    }
    var text = before === null ? line.getAttribute("data-llm-first")
      : count > 0 ? line.getAttribute("data-llm-some").replace("{n}", String(count))
      : line.getAttribute("data-llm-none");
    line.textContent = text;
    line.hidden = false;
  }

  function refresh() {
    var line = document.querySelector("[data-llm-since]");
    if (line) show(line);
  }

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
