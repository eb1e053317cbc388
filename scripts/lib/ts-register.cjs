// TypeScript for `npm test`'s processes: `node --require ./scripts/lib/ts-register.cjs`. Each `.ts`
// file is compiled to CommonJS by esbuild as it is required, as tsx does, and nothing else is
// touched. tsx also hooks every `.js` file a process loads: loading the Pulumi SDK took 1.0 s of CPU
// under `--import tsx` and 0.45 s here, in each of the suite's ~110 test processes. The tests are
// CommonJS (no `import.meta`, no top-level await), which is all this supports; `node --import tsx`
// still runs any test file by hand.
//
// With PULUMI_PLANETSCALE_TS_CACHE (`testEnv` in test-files.mjs sets it), each output is kept there,
// keyed by esbuild's version, the options, the file's path and its text: a process whose files are
// all there never starts esbuild (its service is a process of its own, ~0.17 s of CPU in each of
// the ~110 test processes). Written to a temporary file then renamed, so that concurrent processes
// never read half an output; delete the folder at any time.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

// The compiler options of tsconfig.json that change the emitted JavaScript.
const tsconfigRaw = {
  compilerOptions: { target: "ES2022", useDefineForClassFields: true, verbatimModuleSyntax: false },
};
const options = { loader: "ts", format: "cjs", target: "node20", sourcemap: "inline", tsconfigRaw };

const cache = process.env.PULUMI_PLANETSCALE_TS_CACHE;
/** Loaded on the first file the cache does not hold. */
let esbuild;

// Stack traces name the TypeScript lines (the inline source maps below).
process.setSourceMapsEnabled(true);

function transform(source, filename) {
  esbuild ??= require("esbuild");
  return esbuild.transformSync(source, { ...options, sourcefile: filename }).code;
}

function cachedTransform(source, filename) {
  const version = require("esbuild/package.json").version;
  const key = crypto
    .createHash("sha1")
    .update(JSON.stringify([version, options, filename]))
    .update(source)
    .digest("hex");
  const file = path.join(cache, `${key}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {}
  const code = transform(source, filename);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(cache, { recursive: true });
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, file);
  } catch {
    // A full or read-only disk only costs the next process a compile.
    fs.rmSync(temporary, { force: true });
  }
  return code;
}

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  module._compile(cache ? cachedTransform(source, filename) : transform(source, filename), filename);
};
