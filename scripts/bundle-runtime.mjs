#!/usr/bin/env node
// The second half of `npm run build`: replaces tsc's `dist/provider/internal/dynamic/provider-runtime.js`
// with one file holding the runtime, every resource kind and the parts of zod they use.
//
// Why: every `pulumi` command that touches our resources starts a dynamic-provider host, and the
// host's first call loads the runtime. As ~130 modules of ours plus zod's CommonJS build (which loads
// all ~60 of its locales) that cost ~95 ms of CPU per host start on the 2-core machine; bundled from
// the TypeScript sources, with zod's ES build tree-shaken, ~35 ms (bench/README.md, "CPU per
// resource"). Each kind's modules still run only on its first use: esbuild keeps a `require()` of
// a module as a lazy initializer.
//
// Only the runtime is bundled: it is the host's one entry (`provider-shell.ts` loads it by package
// name) and nothing else loads it, so its private copies of our modules' state are never mixed with
// tsc's. The program, the commands and the tests use tsc's modules. `@pulumi/*` stays external (the
// host's own copy) and so does undici (loaded on the first request only, see `dispatcher.ts`).
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;

await build({
  absWorkingDir: root,
  entryPoints: ["provider/internal/dynamic/provider-runtime.ts"],
  outfile: "dist/provider/internal/dynamic/provider-runtime.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["@pulumi/*", "undici", "undici/*"],
  // Our sources' `import`s pick zod's ES build, whose locales and unused parts drop out.
  treeShaking: true,
  legalComments: "none",
  logLevel: "warning",
});
