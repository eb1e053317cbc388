// TypeScript for `npm test`'s processes: `node --require ./scripts/lib/ts-register.cjs`. Each `.ts`
// file is compiled to CommonJS by esbuild as it is required, as tsx does, and nothing else is
// touched. tsx also hooks every `.js` file a process loads: loading the Pulumi SDK took 1.0 s of CPU
// under `--import tsx` and 0.45 s here, in each of the suite's ~110 test processes. The tests are
// CommonJS (no `import.meta`, no top-level await), which is all this supports; `node --import tsx`
// still runs any test file by hand.
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");
const { transformSync } = require("esbuild");

// The compiler options of tsconfig.json that change the emitted JavaScript.
const tsconfigRaw = {
  compilerOptions: { target: "ES2022", useDefineForClassFields: true, verbatimModuleSyntax: false },
};

// Stack traces name the TypeScript lines (the inline source maps below).
process.setSourceMapsEnabled(true);

Module._extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, "utf8"), {
    loader: "ts",
    format: "cjs",
    target: "node20",
    sourcefile: filename,
    sourcemap: "inline",
    tsconfigRaw,
  });
  module._compile(code, filename);
};
