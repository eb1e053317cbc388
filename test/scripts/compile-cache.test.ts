// scripts/lib/compile-cache.cjs, the V8 code cache of a test run's Node.js processes: a module
// under node_modules behaves exactly as without it, its compiled code is kept and used by the next
// process, and an entry V8 refuses is replaced.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { COMPILE_CACHE, DEFER_SDK_MODULES, testEnv } from "../../scripts/lib/test-files.mjs";

let dir: string;
let cache: string;
const pkg = () => join(dir, "node_modules", "probe");

before(() => {
  dir = mkdtempSync(join(tmpdir(), "pps-compile-cache-"));
  cache = join(dir, "v8");
  mkdirSync(pkg(), { recursive: true });
  writeFileSync(
    join(pkg(), "index.js"),
    [
      '"use strict";',
      "const other = require('./other');",
      "const esm = require('./esm-user');",
      "const thisIsExports = this === module.exports;",
      "module.exports = async () => ({",
      "  thisIsExports,",
      "  filename: __filename,",
      "  dirname: __dirname,",
      "  resolved: require.resolve('./other'),",
      "  paths: Array.isArray(require.resolve.paths('x')),",
      "  main: require.main === process.mainModule,",
      "  cached: Object.keys(require.cache).filter((f) => f.includes('probe')).length,",
      "  parent: require.cache[require.resolve('./other')].parent === module,",
      "  other: other.value,",
      "  esm: await esm(),",
      "  line: new Error().stack.split('\\n')[1].replace(/.*index\\.js:/, ''),",
      "});",
    ].join("\n"),
  );
  // `import(` only in a comment and a string (as typescript.js has it): cached all the same.
  writeFileSync(
    join(pkg(), "other.js"),
    "// call import('x') here\nexports.value = 42;\nexports.message = \"did you mean typeof import('{0}')?\";\n",
  );
  writeFileSync(join(pkg(), "esm.mjs"), "export const value = 'esm';\n");
  // A dynamic import: Node 20 cannot run it from cached code, so this file is not cached.
  writeFileSync(
    join(pkg(), "esm-user.js"),
    "module.exports = async () => (await import('./esm.mjs')).value;\n",
  );
  writeFileSync(join(pkg(), "package.json"), JSON.stringify({ name: "probe" }));
  writeFileSync(
    join(dir, "main.js"),
    "require('probe')().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });\n",
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs main.js; with the cache when `cached`, as `npm test` runs the processes of its tests. */
function run(cached: boolean, cwd = dir): Record<string, unknown> {
  const env = cached
    ? testEnv({ PATH: process.env["PATH"], PULUMI_PLANETSCALE_V8_CACHE: cache })
    : { PATH: process.env["PATH"] };
  return JSON.parse(execFileSync(process.execPath, ["main.js"], { cwd, env, encoding: "utf8" }));
}

/**
 * The cache's entries for these files (relative to `base`), by name and `.import` marker, with the
 * folder (V8 flags) each is in and its modification time.
 */
function entries(
  names = ["index.js", "other.js", "esm-user.js", "../../main.js"],
  base = pkg(),
): Map<string, number> {
  const found = new Map<string, number>();
  for (const [n, tag] of readdirSync(cache).entries()) {
    const held = new Set(readdirSync(join(cache, tag)));
    for (const name of names) {
      const key = entryKey(join(base, name));
      for (const entry of [key, `${key}.import`])
        if (held.has(entry))
          found.set(
            `${name}${entry.slice(key.length)}${n > 0 ? ` (flags ${n})` : ""}`,
            statSync(join(cache, tag, entry)).mtimeMs,
          );
    }
  }
  return found;
}
const entryKey = (filename: string) => createHash("sha1").update(readFileSync(filename)).digest("hex");
const entryFile = (name: string) => {
  const [tag, ...others] = readdirSync(cache);
  assert.deepEqual(others, []);
  return join(cache, tag ?? "", entryKey(join(pkg(), name)));
};

test("the test run's processes require the cache through NODE_OPTIONS, once", () => {
  const env = testEnv({ NODE_OPTIONS: "--max-old-space-size=4096" });
  assert.equal(
    env["NODE_OPTIONS"],
    `--max-old-space-size=4096 --require ${JSON.stringify(COMPILE_CACHE)} --require ${JSON.stringify(DEFER_SDK_MODULES)}`,
  );
  assert.equal(testEnv(env)["NODE_OPTIONS"], env["NODE_OPTIONS"]);
});

test("a module under node_modules behaves as without the cache, and its code is kept", () => {
  const plain = run(false);
  assert.deepEqual(plain, {
    thisIsExports: true,
    filename: join(pkg(), "index.js"),
    dirname: pkg(),
    resolved: join(pkg(), "other.js"),
    paths: true,
    main: true,
    cached: 3,
    parent: true,
    other: 42,
    esm: "esm",
    line: "16:9)",
  });
  assert.deepEqual(run(true), plain);
  // index.js and other.js; esm-user.js (a dynamic import) is marked as read and not cached, main.js
  // (the entry point, outside node_modules) is left alone.
  assert.deepEqual([...entries().keys()].sort(), ["esm-user.js.import", "index.js", "other.js"]);
});

test("the next process uses the kept code: no entry is written again", () => {
  const before = entries();
  run(true);
  assert.deepEqual(entries(), before);
});

test("a copy of the same files elsewhere (a new install) uses the same entries, with its own paths", () => {
  const before = entries();
  const folder = join(cache, readdirSync(cache)[0] ?? "");
  const held = readdirSync(folder).sort();
  const copy = join(dir, "copy");
  cpSync(join(dir, "node_modules"), join(copy, "node_modules"), { recursive: true });
  cpSync(join(dir, "main.js"), join(copy, "main.js"));
  const result = run(true, copy);
  assert.equal(result["filename"], join(copy, "node_modules", "probe", "index.js"));
  assert.equal(result["other"], 42);
  assert.deepEqual(entries(), before);
  assert.deepEqual(readdirSync(folder).sort(), held, "no entry is added for the copy");
});

test("an entry V8 refuses (damaged) is compiled from the source and replaced", () => {
  const file = entryFile("index.js");
  writeFileSync(file, Buffer.from("not V8 code"));
  const plain = run(false);
  assert.deepEqual(run(true), plain);
  assert.notEqual(readFileSync(file).toString(), "not V8 code");
  assert.ok(!readdirSync(join(file, "..")).some((f) => f.endsWith(".tmp")), "no temporary file is left");
});

test("code compiled under other V8 flags (the SDK turns one on while it loads) is kept apart, not replaced in turn", () => {
  const flip = join(dir, "node_modules", "flip");
  mkdirSync(flip);
  writeFileSync(
    join(flip, "index.js"),
    "require('v8').setFlagsFromString('--allow-natives-syntax');\nexports.late = require('./late').value;\n",
  );
  writeFileSync(join(flip, "late.js"), "exports.value = 'late';\n");
  // late.js compiled before the flag is on, then after it.
  writeFileSync(
    join(dir, "before.js"),
    "require('flip/late'); console.log(JSON.stringify(require('flip')));\n",
  );
  writeFileSync(join(dir, "after.js"), "console.log(JSON.stringify(require('flip')));\n");
  const env = testEnv({ PATH: process.env["PATH"], PULUMI_PLANETSCALE_V8_CACHE: cache });
  const node = (script: string) =>
    JSON.parse(execFileSync(process.execPath, [script], { cwd: dir, env, encoding: "utf8" }));
  assert.deepEqual(node("before.js"), { late: "late" });
  assert.deepEqual(node("after.js"), { late: "late" });
  const written = entries(["late.js"], flip);
  assert.equal(written.size, 2, [...written.keys()].join(", "));
  for (const script of ["before.js", "after.js", "before.js"]) node(script);
  assert.deepEqual(entries(["late.js"], flip), written);
});
