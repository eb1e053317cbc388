"use strict";
// A V8 code cache for the CommonJS files under node_modules, for the processes of a test run
// (`npm test` puts `--require` of this file in NODE_OPTIONS: `testEnv` in test-files.mjs). Node 22
// has this built in (NODE_COMPILE_CACHE); Node 20 has not. A test run starts about a thousand
// Node.js processes (a dynamic-provider host per engine operation, the programs, npm), and each
// loads the Pulumi SDK (about 800 files, TypeScript among them), compiling them all again.
//
// Only speed changes: the same source runs, compiled from V8's cached code when V8 accepts it
// (same source, V8 version and flags; it checks) and from the source otherwise. Files outside
// node_modules (this repository's, compiled by ts-register.cjs with their source maps), files with
// a dynamic import() (see hasDynamicImport) and any file this cannot compile (ESM syntax, which
// Node then loads as a module) take Node's own path.
//
// Entries are keyed by content alone (the examples install the same files into a new folder for
// each job; V8 takes the file name from the compile, not from the entry), under
// PULUMI_PLANETSCALE_V8_CACHE/<V8's tag for its version and flags>/ (without it, this does
// nothing); delete the folder at any time. They are written once the synchronous loading that
// compiled them is over (the hosts are often killed rather than ending), to a temporary file then
// renamed, so that concurrent processes never read half an entry.
const Module = require("node:module");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const v8 = require("node:v8");
const vm = require("node:vm");

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;
/** Where entries are kept: `testEnv` in test-files.mjs sets it beside it, the one place it is chosen. */
const root = process.env.PULUMI_PLANETSCALE_V8_CACHE;
const folders = new Set();

/**
 * The folder for code compiled now. V8 refuses code compiled under other flags, and the Pulumi SDK
 * turns `--allow-natives-syntax` on while it loads, so one file is compiled under either set
 * depending on when a process first requires it: one folder per set keeps the two from replacing
 * each other's entries in turn.
 */
function folder() {
  const current = path.join(root, String(v8.cachedDataVersionTag()));
  if (!folders.has(current)) {
    fs.mkdirSync(current, { recursive: true });
    folders.add(current);
  }
  return current;
}

/** Text that may be a dynamic `import(` (or only look like one, in a string or a comment). */
const MAYBE_DYNAMIC_IMPORT = /\bimport\s*\(/;

/**
 * Whether the code has a dynamic `import(`: Node 20 loses a script's import() callback when V8
 * takes its code from a cache (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), so such files keep Node's
 * path. The tokens decide (acorn), not the text: typescript.js, the largest file, has `import(`
 * only in its messages. A file acorn cannot read counts as having one.
 */
function hasDynamicImport(content) {
  if (!MAYBE_DYNAMIC_IMPORT.test(content)) return false;
  try {
    const acorn = require("acorn");
    let previous;
    for (const token of acorn.tokenizer(content, { ecmaVersion: "latest", allowHashBang: true })) {
      if (token.type === acorn.tokTypes.parenL && previous?.type === acorn.tokTypes._import) return true;
      previous = token;
    }
    return false;
  } catch {
    return true;
  }
}

/** Code compiled without an accepted entry, written at the next turn of the event loop. */
let unsaved = [];

function save() {
  const scripts = unsaved;
  unsaved = [];
  for (const { data, file } of scripts) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temporary, data);
      fs.renameSync(temporary, file);
    } catch {
      // A full or read-only disk only costs the next process a compile.
      fs.rmSync(temporary, { force: true });
    }
  }
}

/**
 * The module's compiled wrapper, from the cache when it holds the file's code; undefined for a file
 * with a dynamic import (remembered by an empty `<key>.import` entry, so it is read once).
 */
function compiled(content, filename) {
  const file = path.join(folder(), crypto.createHash("sha1").update(content).digest("hex"));
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    if (fs.existsSync(`${file}.import`)) return undefined;
    if (hasDynamicImport(content)) {
      fs.writeFileSync(`${file}.import`, "");
      return undefined;
    }
  }
  const script = new vm.Script(Module.wrap(content), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // Serialized now, before it runs: V8 stamps the data with the flags of the moment, and the
    // module may change them (as the SDK does).
    if (unsaved.length === 0) setImmediate(save).unref();
    unsaved.push({ data: script.createCachedData(), file });
  }
  return script.runInThisContext({ displayErrors: true });
}

/** `require` as Node makes it for a module (lib/internal/modules/helpers.js, without policies). */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

const compile = Module.prototype._compile;
try {
  if (!root) throw new Error("PULUMI_PLANETSCALE_V8_CACHE is not set");
  folder();
  Module.prototype._compile = function compileCached(...args) {
    const [content, filename, format] = args;
    // The entry point keeps Node's path (it sets up per-load state, e.g. the stat cache).
    if (format === "module" || this.id === "." || !filename.includes(NODE_MODULES)) {
      return compile.apply(this, args);
    }
    let wrapper;
    try {
      wrapper = compiled(content, filename);
    } catch {}
    if (wrapper === undefined) return compile.apply(this, args);
    return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
  };
  process.once("exit", save);
} catch {
  // No cache folder (none given, or it cannot be made): Node compiles as usual.
}
