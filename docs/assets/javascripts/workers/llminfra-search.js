/*
 * Chinese search on Material's own search worker (lunr), with no extra index data.
 *
 * On its own, Material's worker indexes Chinese as whatever words the build put in the index (jieba's,
 * separated by U+200B) and segments a Chinese query greedily against the index's words, never testing
 * a slice that includes the query's last character: a term that was split differently in the text
 * (零气泡 in "的|零|气泡|流水") becomes a different, shorter query and its entry is lost among the rest.
 * Material's source names a custom worker given in its configuration as the way to change search
 * (setupSearchWorker); this is one, which keeps Material's worker, index format and result list.
 *
 * This script is the worker the page starts instead (overrides/main.html points the theme's
 * `search` setting here and passes Material's worker file as `?material=`). It loads Material's
 * worker unchanged and adds three things around it:
 *
 * 1. a segmenter (`lunr.TinySegmenter`, the hook Material's tokenizer already calls when it exists)
 *    that indexes every Chinese character as its own token, so any Chinese substring of an entry
 *    is a sequence of index tokens;
 * 2. a query rewrite, before Material sees the query: each Chinese character becomes a required
 *    term ("零气泡" -> "+零 +气 +泡"). Material leaves one-character runs as they are;
 * 3. a result order: entries whose text holds the query's Chinese runs verbatim come first
 *    (exact above partial), in Material's own order and grouping otherwise.
 */
(function () {
  "use strict";

  var MESSAGE_SETUP = 0, MESSAGE_QUERY = 2, MESSAGE_RESULT = 3;  // Material's SearchMessageType
  var HAN = /\p{sc=Han}/u;
  var HAN_RUN = /\p{sc=Han}+/gu;
  var HAN_OR_OTHER = /\p{sc=Han}|\P{sc=Han}+/gu;
  var TAGS = /<[^>]*>/g;
  var ZERO_WIDTH = /\u200b/g;

  // Material's worker, passed by the page; only a file of the same directory is accepted.
  var material = new URLSearchParams(self.location.search).get("material") || "";
  if (!/^search\.[0-9a-z]+\.min\.js$/.test(material)) throw new Error("llminfra search: no Material worker given");

  var plainTexts = new Map();  // location -> lower-case title and text without markup, filled as results need it
  var documents = new Map();   // location -> the document of the index, as Material received it
  var pending = [];            // queries in the order they reached Material, each answered by one RESULT

  // -- the index side: one token per Chinese character ---------------------------------------------

  function UnigramSegmenter() {}
  // Material calls this with a whole token (a run between separators): "H" makes it segment the token.
  UnigramSegmenter.prototype.ctype_ = function (token) {
    return HAN.test(token) ? "H" : "O";
  };
  // Each Chinese character alone, anything else in the token kept whole; the pieces are contiguous,
  // as Material computes each piece's position from the lengths of those before it.
  UnigramSegmenter.prototype.segment = function (token) {
    return token.match(HAN_OR_OTHER) || [];
  };

  // -- the query side ----------------------------------------------------------------------------

  /**
   * The query Material is to run ("零气泡" -> "+零 +气 +泡", "PD分离" -> "PD +分 +离"), with the Chinese runs the
   * results must hold verbatim to rank first (`phrases`) and those a `-` excludes (`excluded`).
   */
  function rewriteQuery(query) {
    var phrases = [], excluded = [];
    // A quoted part: every word in it required, as Material does; its Chinese words are handled below.
    var text = query.replace(/"([^"]*)"/g, function (whole, inner) {
      return " " + inner.trim().split(/\s+/).filter(Boolean).map(function (word) {
        return /^[+-]/.test(word) ? word : required(word);
      }).join(" ") + " ";
    });
    text = text.replace(/(^|\s)([+-]?)((?:title|text|tags):)?(\S+)/g, function (whole, space, operator, field, word) {
      if (!HAN.test(word)) return whole;
      field = field || "";
      var terms = [];
      (word.match(HAN_OR_OTHER) || []).forEach(function (piece) {
        if (!HAN.test(piece)) {
          terms.push(operator === "+" ? "+" + field + required(piece).slice(1) : operator + field + piece);
        }
        // Excluding every entry with one of its characters would exclude far too much: the results are
        // filtered on the whole run instead (rankExactFirst).
        else if (operator !== "-") terms.push("+" + field + piece);
      });
      (word.match(HAN_RUN) || []).forEach(function (run) {
        (operator === "-" ? excluded : phrases).push(run.toLowerCase());
      });
      return space + terms.join(" ");
    });
    return {query: text, phrases: phrases, excluded: excluded};
  }

  /**
   * `word` as a required term. A Latin word keeps a trailing wildcard: the query side of Material's Chinese
   * setup stems English words ("cache" -> "cach") while the index side does not, so an exact required
   * English term matches nothing (Material's own `"KV cache"` finds nothing) and a prefix does.
   */
  function required(word) {
    return "+" + word + (/[A-Za-z0-9]$/.test(word) ? "*" : "");
  }

  // -- the results -------------------------------------------------------------------------------

  function plainText(location) {
    var text = plainTexts.get(location);
    if (text === undefined) {
      var doc = documents.get(location) || {};
      text = ((doc.title || "") + "\n" + (doc.text || "")).replace(TAGS, "").replace(ZERO_WIDTH, "").toLowerCase();
      plainTexts.set(location, text);
    }
    return text;
  }

  function holdsAll(location, runs) {
    var text = plainText(location);
    return runs.every(function (run) { return text.indexOf(run) >= 0; });
  }

  function holdsAny(location, runs) {
    var text = plainText(location);
    return runs.some(function (run) { return text.indexOf(run) >= 0; });
  }

  function isArticle(item) {
    return item.location.indexOf("#") < 0;
  }

  // The article Material adds to a page's group when only its sections matched.
  function isPlaceholder(item) {
    return item.score === 0 && !Object.keys(item.terms || {}).length;
  }

  /** `items` as one of Material's groups: with the page's article, which its result list shows them under. */
  function asGroup(items, article) {
    if (!article || items.indexOf(article) >= 0) return items;
    return items.concat([Object.assign({}, article, {score: 0, terms: {}})]);
  }

  /**
   * Material's groups (one per page: the page's article and its matching sections, best first), reordered so
   * that every item that holds all the query's Chinese runs verbatim comes before any that holds only part
   * of them; items holding an excluded run are left out. A page with both kinds is listed twice: among the
   * exact results, and again among the rest. Otherwise Material's order stands.
   */
  function rankExactFirst(groups, context) {
    if (!context.phrases.length && !context.excluded.length) return groups;
    var exact = [], partial = [];
    groups.forEach(function (group) {
      var article = null, hits = [], rest = [];
      group.forEach(function (item) {
        if (isArticle(item)) article = item;
        if (isPlaceholder(item)) return;
        if (context.excluded.length && holdsAny(item.location, context.excluded)) return;
        (holdsAll(item.location, context.phrases) ? hits : rest).push(item);
      });
      if (hits.length) exact.push(asGroup(hits, article));
      if (rest.length) partial.push(asGroup(rest, article));
    });
    return exact.concat(partial);
  }

  // -- wiring --------------------------------------------------------------------------------------

  // Registered before Material's own listener, so it sees (and may change) each message first.
  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!message) return;
    if (message.type === MESSAGE_SETUP) {
      documents.clear();
      plainTexts.clear();
      (message.data.docs || []).forEach(function (doc) { documents.set(doc.location, doc); });
    } else if (message.type === MESSAGE_QUERY && typeof message.data === "string") {
      var context = rewriteQuery(message.data);
      message.data = context.query;
      pending.push(context);
    }
  });

  var postToPage = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === MESSAGE_RESULT) {
      var context = pending.shift();
      if (context && message.data && message.data.items) {
        message.data.items = rankExactFirst(message.data.items, context);
      }
    }
    return postToPage.apply(self, arguments);
  };

  // Material's Search constructor (on SETUP, after this script) takes the segmenter from `lunr`, which
  // Material's worker puts on `self`. (Under the iframe shim Material uses for file:// pages,
  // importScripts returns a promise.)
  var loaded = importScripts(material);
  var install = function () { self.lunr.TinySegmenter = UnigramSegmenter; };
  if (loaded && typeof loaded.then === "function") loaded.then(install); else install();
})();
