// Runs our search worker script in Node as a browser runs it in a web worker, on a built site's files:
// `self`, `location`, `fetch` (files of SITE_DIR, as a server at the site's root serves them), message
// listeners and `postMessage`.
//
//   node tests/search_worker_harness.js WORKER_SCRIPT SITE_DIR < messages.json
//
// Reads a JSON list of messages ({type, data}), sends them one by one, waiting for each answer, and prints a
// JSON list with, for each message, the worker's answer, and the paths the worker fetched.
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");

const [script, siteDir] = process.argv.slice(2);
const listeners = [], answers = [], fetched = [];
const origin = "http://127.0.0.1/site/";

globalThis.self = globalThis;
globalThis.location = new URL(origin + "assets/javascripts/workers/llminfra-search.js?material=search.0.min.js");
globalThis.addEventListener = (type, listener) => { if (type === "message") listeners.push(listener); };
globalThis.postMessage = message => { answers.push(message); };
globalThis.fetch = async url => {
  const relative = new URL(url).pathname.slice(new URL(origin).pathname.length);
  fetched.push(relative + new URL(url).search);
  const file = path.join(siteDir, decodeURIComponent(relative));
  const ok = fs.existsSync(file);
  return {ok, status: ok ? 200 : 404, json: async () => JSON.parse(fs.readFileSync(file, "utf8"))};
};

vm.runInThisContext(fs.readFileSync(script, "utf8"), {filename: script});

async function send(message) {
  const before = answers.length, fetchedBefore = fetched.length;
  for (const listener of listeners) listener({data: message});
  while (answers.length === before) await new Promise(resolve => setTimeout(resolve, 0));
  return {answer: answers[answers.length - 1], fetched: fetched.slice(fetchedBefore)};
}

(async () => {
  const messages = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const message of messages) out.push(await send(message));
  process.stdout.write(JSON.stringify(out));
})().catch(error => { console.error(error); process.exit(1); });
