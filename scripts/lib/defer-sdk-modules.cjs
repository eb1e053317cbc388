"use strict";
// Two modules the Pulumi SDK loads on start-up, loaded instead on their first use, for the Node.js
// processes of a test run (`npm test` puts `--require` of this file in NODE_OPTIONS: `testEnv` in
// test-files.mjs). Every dynamic-provider host (~300 a run) loads `@pulumi/pulumi/runtime`, which
// loads `@npmcli/arborist` (runtime/closure/codePaths.js, for packaging a function's dependencies)
// and TypeScript (typescript-shim.js, for parsing a function's text when serializing it). A host
// uses neither: it deserializes a provider, never serializes one. They were ~0.35 of a host's
// ~0.7 CPU-s of loading.
//
// Only when they load changes: the same files run, on the first property read of the module (a
// program serializing its dynamic providers still loads TypeScript, and uses the real module).
// The request is resolved at once, so a module that is missing still throws where it is required
// (typescript-shim.js then falls back to its vendored copy, as without this).
const Module = require("node:module");
const path = require("node:path");

const SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
/** Each deferred request, by the SDK file that makes it. */
const DEFERRED = new Map([
  [`${SDK}runtime${path.sep}closure${path.sep}codePaths.js`, "@npmcli/arborist"],
  [`${SDK}typescript-shim.js`, "typescript"],
]);

const load = Module._load;
Module._load = function loadDeferred(...args) {
  const [request, parent, isMain] = args;
  const file = parent?.filename;
  if (typeof file !== "string" || DEFERRED.get(file.slice(file.lastIndexOf(SDK))) !== request) {
    return load.apply(this, args);
  }
  const filename = Module._resolveFilename(request, parent, isMain);
  let real;
  const module = () => {
    real ??= load.call(this, filename, parent, isMain);
    return real;
  };
  // `__esModule` answers without loading: the SDK's `__importStar` then keeps this object as it is
  // instead of copying every property (which would load the module at once). Checked in SDK
  // 3.248: codePaths.js takes arborist through `__importStar` and reads `.Arborist`; every
  // requirer of typescript-shim.js (closure/*.js, tsutils.js, analyzer.js) takes it with a plain
  // `require` and reads properties. None uses `__importDefault`, for which this answer would be wrong.
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && real === undefined ? true : Reflect.get(module(), key)),
      has: (_, key) => Reflect.has(module(), key),
      ownKeys: () => Reflect.ownKeys(module()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
        // A proxy may not report a property its (empty) target lacks as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
};
