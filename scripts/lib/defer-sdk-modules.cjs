"use strict";
// Modules the Pulumi SDK loads on start-up, loaded instead on their first use, for the Node.js
// processes of a test run (`npm test` puts `--require` of this file in NODE_OPTIONS: `testEnv` in
// test-files.mjs). Every dynamic-provider host (~300 a run) loads `@pulumi/pulumi/runtime`, which
// loads what packaging a function's dependencies needs (runtime/closure/codePaths.js: arborist,
// normalize-package-data, fdir), TypeScript (typescript-shim.js, for parsing a function's text when
// serializing it), semver (47 files, for comparing resource packages' versions) and, through the
// SDK's index.js, the whole Automation API (execa, js-yaml, ...). A host uses none of them: it
// deserializes a provider, never serializes one, and drives no CLI. Arborist and TypeScript were
// ~0.35 of a host's ~0.7 CPU-s of loading; the others ~0.12 of the ~0.35 left (324 → 168 modules).
// A program (`@pulumi/pulumi/cmd/run`) also loads six OpenTelemetry packages for `--tracing`,
// which the engine passes only when tracing is on: ~0.11 CPU-s of its start.
//
// Only when they load changes: the same files run, on the first use of the module (a program
// serializing its dynamic providers still loads TypeScript, and uses the real module).
// The request is resolved at once, so a module that is missing still throws where it is required
// (typescript-shim.js then falls back to its vendored copy, as without this).
const Module = require("node:module");
const path = require("node:path");

const SDK = `${path.sep}node_modules${path.sep}@pulumi${path.sep}pulumi${path.sep}`;
/**
 * Each deferred request, by the SDK file that makes it, with how that file takes it (checked in
 * SDK 3.248): `namespace` through `__importStar` or a plain `require`, then property reads;
 * `function` through `__importDefault`, then a call of `.default`.
 */
const DEFERRED = new Map([
  [
    `${SDK}runtime${path.sep}closure${path.sep}codePaths.js`,
    new Map([
      ["@npmcli/arborist", "namespace"],
      ["normalize-package-data", "function"],
      ["fdir", "namespace"],
    ]),
  ],
  [`${SDK}typescript-shim.js`, new Map([["typescript", "namespace"]])],
  [`${SDK}runtime${path.sep}rpc.js`, new Map([["semver", "namespace"]])],
  [`${SDK}runtime${path.sep}closure${path.sep}rewriteSuper.js`, new Map([["semver", "namespace"]])],
  [`${SDK}index.js`, new Map([["./automation", "namespace"]])],
  [
    `${SDK}cmd${path.sep}run${path.sep}tracing.js`,
    new Map(
      [
        "@opentelemetry/resources",
        "@opentelemetry/sdk-trace-base",
        "@opentelemetry/exporter-zipkin",
        "@opentelemetry/instrumentation-grpc",
        "@opentelemetry/sdk-trace-node",
        "@opentelemetry/instrumentation",
      ].map((request) => [request, "namespace"]),
    ),
  ],
]);

const load = Module._load;
Module._load = function loadDeferred(...args) {
  const [request, parent, isMain] = args;
  const file = parent?.filename;
  const shape =
    typeof file === "string" ? DEFERRED.get(file.slice(file.lastIndexOf(SDK)))?.get(request) : undefined;
  if (shape === undefined) return load.apply(this, args);
  const filename = Module._resolveFilename(request, parent, isMain);
  let real;
  const module = () => {
    real ??= load.call(this, filename, parent, isMain);
    return real;
  };
  // `__esModule` answers without loading. For a namespace, true: `__importStar` then keeps this
  // object as it is instead of copying every property (which would load the module at once). For a
  // function, false: `__importDefault` wraps it as `{ default: <this> }`, and the call loads it
  // (an arrow function as the target: it has no non-configurable `prototype` to contradict).
  return new Proxy(shape === "function" ? () => {} : {}, {
    apply: (_, self, callArgs) => Reflect.apply(module(), self, callArgs),
    get: (_, key) =>
      key === "__esModule" && real === undefined ? shape === "namespace" : Reflect.get(module(), key),
    has: (_, key) => Reflect.has(module(), key),
    ownKeys: () => Reflect.ownKeys(module()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
      // A proxy may not report a property its (empty) target lacks as non-configurable.
      return descriptor && { ...descriptor, configurable: true };
    },
  });
};
