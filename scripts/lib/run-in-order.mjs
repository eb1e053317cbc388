#!/usr/bin/env node
// Node's test runner in the order the files are given. `node --test a b c` sorts its files by name
// (Node 20), which started the two longest files (test/examples/) after every e2e file and left
// them running alone at the end; `run()` keeps the order `findTests` chose, longest first.
// Started as `node --require ./scripts/lib/ts-register.cjs run-in-order.mjs [options] files…` (the
// test files inherit the `--require`). Options, as `node --test` takes them:
//   --test-reporter=<name|path> --test-reporter-destination=stdout|stderr|<file>  (in pairs)
//   --test-concurrency=<n>  --test-timeout=<ms>  --test-name-pattern=<re> (repeatable)  --test-only
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { run } from "node:test";
import { dot, spec, tap } from "node:test/reporters";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "test-reporter": { type: "string", multiple: true, default: [] },
    "test-reporter-destination": { type: "string", multiple: true, default: [] },
    "test-concurrency": { type: "string" },
    "test-timeout": { type: "string" },
    "test-name-pattern": { type: "string", multiple: true },
    "test-only": { type: "boolean" },
  },
});

const reporters = values["test-reporter"].length > 0 ? values["test-reporter"] : ["spec"];
const destinations = values["test-reporter-destination"];
if (destinations.length > 0 && destinations.length !== reporters.length) {
  console.error("run-in-order: give one --test-reporter-destination per --test-reporter");
  process.exit(2);
}

const stream = run({
  files: positionals.map((f) => resolve(f)),
  concurrency: Number(values["test-concurrency"] ?? 1),
  ...(values["test-timeout"] === undefined ? {} : { timeout: Number(values["test-timeout"]) }),
  ...(values["test-name-pattern"] ? { testNamePatterns: values["test-name-pattern"] } : {}),
  ...(values["test-only"] ? { only: true } : {}),
});

// A failed test, a failed file (one that crashed or timed out) or a failed hook fails the run; a
// failing `todo` test does not, as with `node --test`.
stream.on("test:fail", (data) => {
  if (!data.todo) process.exitCode = 1;
});

/** Node's reporters by name; `spec` is a stream made per use, the others (like ours) are async generators. */
const BUILTIN = { spec: () => new spec(), dot: () => dot, tap: () => tap };

for (const [i, name] of reporters.entries()) {
  const reporter = Object.hasOwn(BUILTIN, name)
    ? BUILTIN[name]()
    : (await import(pathToFileURL(resolve(name)).href)).default;
  const where = destinations[i] ?? "stdout";
  const out =
    where === "stdout"
      ? process.stdout
      : where === "stderr"
        ? process.stderr
        : createWriteStream(resolve(where));
  stream.compose(reporter).pipe(out);
}
