#!/usr/bin/env node
// Edits a copy of a zxcvbn-go module (github.com/nbutton23/zxcvbn-go or its fork
// github.com/ccojocar/zxcvbn-go) so its word lists are decoded on first use instead of at program
// start. The Pulumi CLI links both (`pulumi config set` asks one whether a value looks like a
// secret; `pulumi env set`, pulumi/esc's command, the other), and their `init` functions decoded
// ~10 MB of JSON in every command: 0.20 → 0.08 CPU-s for `pulumi version`, over the ~760 CLI
// commands of a test run. Nothing else changes: the first PasswordStrength call loads the same
// lists, once (sync.Once).
// Usage: node lazy-zxcvbn.mjs <module dir>   (scripts/pulumi-cli.sh runs it on each copy)
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Replaces each `[from, to]` exactly once in `file`, or fails naming what was not found. */
function edit(file, pairs) {
  let text = readFileSync(file, "utf8");
  for (const [from, to] of pairs) {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0)
      throw new Error(`lazy-zxcvbn: ${file} does not hold exactly one ${JSON.stringify(from)}`);
    text = text.replace(from, () => to);
  }
  writeFileSync(file, text);
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: lazy-zxcvbn.mjs <module dir>");
  process.exit(2);
}

edit(join(dir, "frequency", "frequency.go"), [
  ["package frequency\n", 'package frequency\n\nimport "sync"\n'],
  [
    "func init() {",
    "var loadOnce sync.Once\n\n// Load fills Lists, once, on first use.\nfunc Load() { loadOnce.Do(load) }\n\nfunc load() {",
  ],
]);
edit(join(dir, "matching", "matching.go"), [
  ["package matching\n", 'package matching\n\nimport "sync"\n'],
  ["func init() {\n\tloadFrequencyList()\n}\n", "var loadOnce sync.Once\n"],
  [
    "if dictionaryMatchers == nil || adjacencyGraphs == nil {\n\t\tloadFrequencyList()\n\t}",
    "loadOnce.Do(loadFrequencyList)",
  ],
  ["func loadFrequencyList() {\n", "func loadFrequencyList() {\n\tfrequency.Load()\n"],
]);
