/*
 * The site's search worker: Material's search UI and worker protocol, answered from an index that the
 * reader fetches a few small files at a time (hooks/llminfra/publish/search_shards.py writes it).
 *
 * Material's own worker waits for the whole index (10 MB at 10,000 entries) before it answers anything.
 * This one answers Material's messages (SETUP, READY, QUERY, RESULT; Material's source names a custom
 * worker given in its configuration as the way to change search), so the search box, the result list,
 * the keyboard, search.suggest, search.highlight and search.share stay Material's own code:
 *
 * - SETUP carries the `config` of search/search_index.json, whose `llminfra` manifest lists the first
 *   token of every shard; READY follows at once, nothing else is fetched before a query.
 * - A query's tokens, by the rule of the index: a Chinese run of n characters is its n - 1 pairs of
 *   neighbouring characters ("零气泡" -> 零气, 气泡; one character is itself), so any term that appears
 *   verbatim is found however a word segmenter would cut the sentence around it; any other word is a
 *   prefix ("cach" finds "cache"). Every word is required. Only the shards holding those tokens are
 *   fetched, then the text of the results shown, CHUNK documents a file.
 * - The order: results that hold every Chinese run of the query verbatim first (checked on their text),
 *   then those that only hold all of its characters (fetched only when the first kind is short of a
 *   screenful), each by a score of the tokens' rarity, matches in titles counting more; a `-word`
 *   leaves out the results that hold it. At most MAX_ITEMS sections, grouped by page as Material does.
 *
 * Needs what Material's own bundle already needs, plus fetch and Unicode property escapes in regular
 * expressions (every browser since 2020: Chrome 64, Firefox 78, Safari 11.1).
 */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;  // Material's SearchMessageType
  var HAN_CLASS = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";  // as search_shards.HAN
  var HAN_RUN = new RegExp("[" + HAN_CLASS + "]+", "gu");
  var WORD = new RegExp("(?:(?![" + HAN_CLASS + "])[\\p{L}\\p{N}])+", "gu");
  var TAG = /<[^>]*>/g;
  var MARKUP = /(<[^>]*>|&#?\w+;)/;  // the parts of a title or text that are not its words
  var MAX_ITEMS = 30;       // sections per answer; Material shows 10 groups, more as the list scrolls
  var TITLE_BOOST = 10;     // a token in the title counts this many times one in the text
  var MAX_PREFIX_SHARDS = 4;  // a short Latin prefix reads at most this many shards of its completions
  var MAX_READ = 8 * MAX_ITEMS;  // texts read to fill one answer, at most (a run's pairs rarely occur apart)

  // This file is assets/javascripts/workers/llminfra-search.js: the site's root is three folders up, which
  // holds wherever the site is published (a sub-path on GitHub Pages too).
  var root = new URL("../../../", self.location.href);
  var manifest = null;
  var suggestions = false;
  var files = new Map();  // path -> promise of its JSON, for the life of the worker
  var ready = null;       // promise: the manifest is known
  var latest = 0;         // the number of the last query received; older answers are dropped

  function fetchJSON(path) {
    var known = files.get(path);
    if (!known) {
      known = fetch(new URL("search/" + manifest.folder + "/" + path + "?v=" + manifest.version, root))
        .then(function (response) {
          if (!response.ok) throw new Error("llminfra search: " + path + ": HTTP " + response.status);
          return response.json();
        });
      known.catch(function () { files.delete(path); });  // try again on the next query
      files.set(path, known);
    }
    return known;
  }

  // -- the index ---------------------------------------------------------------------------------

  /** The shard that would hold `token`: the last whose first token is not after it. */
  function shardOf(token) {
    var shards = manifest.shards, low = 0, high = shards.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (shards[middle] <= token) low = middle; else high = middle - 1;
    }
    return low;
  }

  /** Posting list -> {id: in title (0|1)}, as a Map in document order. */
  function decode(deltas) {
    var postings = new Map(), value = 0;
    for (var i = 0; i < deltas.length; i++) {
      value += deltas[i];
      postings.set(value >> 1, value & 1);
    }
    return postings;
  }

  function postingsOf(token) {
    return fetchJSON("s/" + shardOf(token) + ".json").then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, token) ? decode(shard[token]) : new Map();
    });
  }

  /** Postings of every token that `prefix` begins (merged), and those tokens with their frequency. */
  function postingsOfPrefix(prefix) {
    var first = shardOf(prefix), last = first, shards = manifest.shards;
    while (last + 1 < shards.length && last + 1 - first < MAX_PREFIX_SHARDS
           && shards[last + 1].slice(0, prefix.length) <= prefix) last++;
    var reads = [];
    for (var n = first; n <= last; n++) reads.push(fetchJSON("s/" + n + ".json"));
    return Promise.all(reads).then(function (loaded) {
      var merged = new Map(), completions = [];
      loaded.forEach(function (shard) {
        Object.keys(shard).forEach(function (token) {
          if (token.slice(0, prefix.length) !== prefix) return;
          completions.push({token: token, count: shard[token].length});
          decode(shard[token]).forEach(function (inTitle, id) {
            merged.set(id, Math.max(merged.get(id) || 0, inTitle));
          });
        });
      });
      return {postings: merged, completions: completions};
    });
  }

  /** Documents `ids` (and, for sections, their page's article): id -> [location, title, text, parent, tags]. */
  function documents(ids) {
    var chunks = new Set();
    ids.forEach(function (id) { chunks.add(Math.floor(id / manifest.chunk)); });
    var chunkList = Array.from(chunks);
    return Promise.all(chunkList.map(function (n) { return fetchJSON("d/" + n + ".json"); }))
      .then(function (loaded) {
        var found = new Map();
        loaded.forEach(function (chunk, i) {
          chunk.forEach(function (doc, j) { found.set(chunkList[i] * manifest.chunk + j, doc); });
        });
        return found;
      });
  }

  // -- the query ---------------------------------------------------------------------------------

  /** Material's query string -> its words: {key, runs (Chinese), words (other), excluded}. */
  function parse(query) {
    var terms = [];
    query.replace(/["*~^]/g, " ").split(/\s+/).forEach(function (raw) {
      var excluded = raw.charAt(0) === "-";
      var text = raw.replace(/^[+-]+/, "").replace(/^(title|text|tags):/, "").toLowerCase();
      var term = {key: text, runs: text.match(HAN_RUN) || [], words: text.match(WORD) || [], excluded: excluded};
      if (term.runs.length || term.words.length) terms.push(term);
    });
    return terms;
  }

  function pairs(run) {
    if (run.length === 1) return [run];
    var out = [];
    for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    return out;
  }

  function unique(values) {
    return Array.from(new Set(values));
  }

  /** Documents in every list, with a score: the sum of each token's rarity, a title match counting more. */
  function intersect(lists) {
    if (!lists.length || lists.some(function (list) { return !list.size; })) return [];
    var total = manifest.documents;
    lists = lists.slice().sort(function (a, b) { return a.size - b.size; });
    var found = [];
    lists[0].forEach(function (inTitle, id) {
      var score = 0;
      for (var i = 0; i < lists.length; i++) {
        var here = lists[i].get(id);
        if (here === undefined) return;
        score += Math.log(1 + total / lists[i].size) * (here ? TITLE_BOOST : 1);
      }
      found.push({id: id, score: score});
    });
    return found.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
  }

  // -- the text ----------------------------------------------------------------------------------

  var ENTITIES = {amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0"};

  function unescapeHTML(text) {
    return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, function (whole, name) {
      if (name.charAt(0) === "#") {
        var code = name.charAt(1).toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        try { return String.fromCodePoint(code); } catch (error) { return whole; }
      }
      return Object.prototype.hasOwnProperty.call(ENTITIES, name) ? ENTITIES[name] : whole;
    });
  }

  /** What the index read of a document (search_shards.plain_text). */
  function plainText(doc) {
    return unescapeHTML((doc[1] + "\n" + doc[2]).replace(TAG, " ")).toLowerCase();
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /** `html` with every occurrence of `needles` (any case) in its text marked, as Material marks matches. */
  function mark(html, needles) {
    if (!html || !needles.length) return html;
    var pattern = new RegExp(needles.slice().sort(function (a, b) { return b.length - a.length; })
      .map(escapeRegExp).join("|"), "giu");
    return html.split(MARKUP).map(function (part, i) {
      return i % 2 ? part : part.replace(pattern, "<mark>$&</mark>");
    }).join("");
  }

  // -- answering -----------------------------------------------------------------------------------

  function search(query) {
    var terms = parse(query);
    var wanted = terms.filter(function (term) { return !term.excluded; });
    var unwanted = terms.filter(function (term) { return term.excluded; }).map(function (term) { return term.key; });
    if (!wanted.length) return Promise.resolve({items: []});
    var runs = unique([].concat.apply([], wanted.map(function (term) { return term.runs; })));
    var words = unique([].concat.apply([], wanted.map(function (term) { return term.words; })));
    var exactTokens = unique([].concat.apply([], runs.map(pairs)));
    var characters = unique([].concat.apply([], runs.map(function (run) { return Array.from(run); })));

    return Promise.all([
      Promise.all(exactTokens.map(postingsOf)),
      Promise.all(words.map(postingsOfPrefix))
    ]).then(function (loaded) {
      var wordLists = loaded[1].map(function (each) { return each.postings; });
      var exact = intersect(loaded[0].concat(wordLists));
      var partialNeeded = exact.length < MAX_ITEMS && characters.length > exactTokens.length;
      var partial = partialNeeded
        ? Promise.all(characters.map(postingsOf)).then(function (lists) {
            var seen = new Set(exact.map(function (hit) { return hit.id; }));
            return intersect(lists.concat(wordLists)).filter(function (hit) { return !seen.has(hit.id); });
          })
        : Promise.resolve([]);
      return partial.then(function (partialHits) {
        return pick(exact, partialHits, runs, unwanted).then(function (picked) {
          return answer(picked, terms, runs, loaded[1], query);
        });
      });
    });
  }

  /**
   * Up to MAX_ITEMS documents: those whose text holds every run verbatim (checked: two pairs of a run can
   * occur apart), then the others; none that holds an excluded word. Texts are fetched a screenful at a time.
   */
  function pick(exact, partial, runs, unwanted) {
    var verbatim = [], others = [];
    var queue = exact.map(function (hit) { return {hit: hit, exact: true}; })
      .concat(partial.map(function (hit) { return {hit: hit, exact: false}; }));
    var position = 0;
    function done() {
      var exactLeft = position < exact.length;
      return verbatim.length >= MAX_ITEMS || position >= queue.length || position >= MAX_READ
        || (!exactLeft && verbatim.length + others.length >= MAX_ITEMS);
    }
    function next() {
      if (done()) return Promise.resolve(verbatim.concat(others).slice(0, MAX_ITEMS));
      var batch = queue.slice(position, position + MAX_ITEMS);
      position += batch.length;
      return documents(batch.map(function (each) { return each.hit.id; })).then(function (docs) {
        batch.forEach(function (each) {
          var doc = docs.get(each.hit.id);
          if (!doc) return;
          var text = plainText(doc);
          if (unwanted.some(function (word) { return text.indexOf(word) >= 0; })) return;
          var holds = each.exact && runs.every(function (run) { return text.indexOf(run) >= 0; });
          (holds ? verbatim : others).push({id: each.hit.id, doc: doc, exact: holds});
        });
        return next();
      });
    }
    return next();
  }

  /** Material's result: groups of items (a page's article and its matching sections), and suggestions. */
  function answer(picked, terms, runs, prefixes, query) {
    var parents = picked.map(function (each) { return each.doc[3]; }).filter(function (id) { return id >= 0; });
    return documents(parents).then(function (articles) {
      var termFlags = {};
      terms.forEach(function (term) { if (!term.excluded) termFlags[term.key] = true; });
      var words = unique([].concat.apply([], terms.filter(function (term) { return !term.excluded; })
        .map(function (term) { return term.words; })));
      var groups = [], byPage = new Map();
      picked.forEach(function (each, rank) {
        var doc = each.doc;
        var needles = words.concat(each.exact ? runs : unique([].concat.apply([], runs.map(function (run) {
          return Array.from(run);
        }))));
        var item = toItem(doc, needles, picked.length - rank, termFlags);
        var article = doc[3] >= 0 ? articles.get(doc[3]) : doc;
        var key = (each.exact ? "exact " : "other ") + (article ? article[0] : doc[0]);
        var group = byPage.get(key);
        if (!group) {
          group = {items: [], article: article};
          byPage.set(key, group);
          groups.push(group);
        }
        group.items.push(item);
      });
      var items = groups.map(function (group) {
        var hasArticle = group.items.some(function (item) { return item.location.indexOf("#") < 0; });
        if (!hasArticle && group.article) group.items.push(toItem(group.article, [], 0, {}));
        return group.items;
      });
      var result = {items: items};
      if (suggestions) result.suggest = suggest(query, prefixes);
      return result;
    });
  }

  function toItem(doc, needles, score, termFlags) {
    var item = {location: doc[0], title: mark(doc[1], needles), text: mark(doc[2], needles),
                score: score, terms: termFlags};
    if (doc[4]) item.tags = doc[4];
    return item;
  }

  /** The most frequent completion of the query's last word, when that word is a Latin prefix being typed. */
  function suggest(query, prefixes) {
    if (!prefixes.length || /\s$/.test(query)) return [];
    var best = null;
    prefixes[prefixes.length - 1].completions.forEach(function (each) {
      if (!best || each.count > best.count) best = each;
    });
    return best ? [best.token] : [];
  }

  // -- Material's messages -------------------------------------------------------------------------

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (!message) return;
    if (message.type === SETUP) {
      var config = (message.data && message.data.config) || {};
      suggestions = !!(message.data.options && message.data.options.suggest);
      manifest = config.llminfra;
      files.clear();
      if (!manifest || manifest.format !== 1 || !manifest.shards || !manifest.shards.length) {
        throw new Error("llminfra search: search/search_index.json has no index of ours");
      }
      manifest.folder = "llminfra";
      ready = Promise.resolve();
      self.postMessage({type: READY});
    } else if (message.type === QUERY && typeof message.data === "string") {
      var number = ++latest;
      var query = message.data;
      (ready || Promise.reject(new Error("llminfra search: query before setup")))
        .then(function () { return search(query); })
        .catch(function (error) {
          console.warn("llminfra search: " + query + ": " + error);
          return {items: []};
        })
        .then(function (result) {
          if (number === latest) self.postMessage({type: RESULT, data: result});
        });
    }
  });
})();
