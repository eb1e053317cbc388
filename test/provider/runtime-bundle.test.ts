// The dynamic-provider host's entry as built (`scripts/bundle-runtime.mjs`): one file holding the
// runtime, every kind and the parts of zod they use, so that a host start reads and compiles one
// module of ours rather than ~130 plus zod's ~95 (bench/README.md, "CPU per resource").
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

// Run in a fresh process from the repository (whose node_modules links the package, as a user's
// project installs it): loads the runtime by the name the shell uses, checks bad inputs of two
// kinds (validation runs zod; no credential is needed to refuse them) and lists the modules loaded.
const SCRIPT = `
const before = new Set(Object.keys(require.cache));
const runtime = require("pulumi-planetscale/internal/provider-runtime");
const config = { get: () => undefined };
(async () => {
  const branch = await runtime.check("branch", config, {}, { __provider: "x", organization: "acme", database: "app", name: "Bad_Name" });
  const token = await runtime.check("apiToken", config, {}, { __provider: "x", organization: "acme", name: "t", scopes: ["no_such_scope"], ttl: "1h" });
  const loaded = Object.keys(require.cache).filter((f) => !before.has(f));
  console.log(JSON.stringify({
    exports: Object.keys(runtime).sort(),
    failed: [branch.failures.map((f) => f.property), token.failures.map((f) => f.property)],
    loaded,
  }));
})();
`;

describe("the provider runtime as the host loads it", () => {
  test("is one module of this package, with zod inside, and still validates every kind", async () => {
    const run = await runProcess(process.execPath, ["-e", SCRIPT], { cwd: repoRoot });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { exports: string[]; failed: string[][]; loaded: string[] };
    assert.deepEqual(result.exports, [
      "check",
      "contractVersion",
      "create",
      "diff",
      "read",
      "remove",
      "update",
    ]);
    assert.deepEqual(result.failed, [["name"], ["scopes"]]);
    const ours = result.loaded.filter((f) => !/node_modules[\\/](?!pulumi-planetscale[\\/])/.test(f));
    assert.deepEqual(
      ours.map((f) => f.slice(f.lastIndexOf("dist"))),
      [join("dist", "provider", "internal", "dynamic", "provider-runtime.js")],
    );
    assert.deepEqual(
      result.loaded.filter((f) => /node_modules[\\/]zod[\\/]/.test(f)),
      [],
      "zod is bundled, not loaded from node_modules",
    );
  });
});
