// Runs a search worker script in Node as a browser would run it in a web worker, with Material's worker
// files beside it: `self`, `location`, `importScripts`, message listeners and `postMessage`.
//
//   node tests/search_worker_harness.js WORKER_SCRIPT MATERIAL_WORKERS_DIR < messages.json
//
// Reads a JSON list of messages ({type, data}), sends them one by one, waiting for each answer, and
// prints a JSON list with, for each message, the data the worker's listeners left in it (a query
// after rewriting) and the worker's answer.
"use strict";
const fs = require("fs"), path = require("path"), vm = require("vm");

const [script, materialDir] = process.argv.slice(2);
const material = fs.readdirSync(materialDir).find(name => /^search\.[0-9a-f]+\.min\.js$/.test(name));
const listeners = [], answers = [];

globalThis.self = globalThis;
globalThis.location = new URL("http://127.0.0.1/assets/javascripts/workers/worker.js?material=" + material);
globalThis.importScripts = (...urls) => {
  for (const url of urls) vm.runInThisContext(fs.readFileSync(path.resolve(materialDir, url), "utf8"), {filename: url});
};
globalThis.addEventListener = (type, listener) => { if (type === "message") listeners.push(listener); };
globalThis.postMessage = message => { answers.push(message); };

vm.runInThisContext(fs.readFileSync(script, "utf8"), {filename: script});

async function send(message) {
  const before = answers.length;
  for (const listener of listeners) listener({data: message});
  while (answers.length === before) await new Promise(resolve => setTimeout(resolve, 0));
  return {sent: message.data, answer: answers[answers.length - 1]};
}

(async () => {
  const messages = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = [];
  for (const message of messages) out.push(await send(message));
  process.stdout.write(JSON.stringify(out));
})().catch(error => { console.error(error); process.exit(1); });
