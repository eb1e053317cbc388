// Level 2: the provider survives Pulumi's closure serialization, exactly as `dynamic.Resource`
// serializes it, and what lands in state is small and free of library code and configuration.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type Emulator, emulator } from "../support/emulator";
import { configFor } from "../support/provider-context";

// The built package (CommonJS, as users get it).
const shellModule = require("../../dist/provider/internal/dynamic/provider-shell.js");
const requireFromString = require("require-from-string");

let emu: Emulator;
before(async () => {
  emu = await emulator();
});
after(async () => emu.stop());

const providerModules: Record<string, string> = {
  branch: "branch",
  apiToken: "api-token",
  branchPassword: "branch-password",
  branchRole: "branch-role",
};

/** As `dynamic.Resource` does with the object the resource classes pass (their provider module's exports). */
async function serialize(kind: string) {
  const provider = require(`../../dist/provider/internal/providers/${providerModules[kind]}.js`);
  assert.ok(provider instanceof shellModule.ProviderShell);
  assert.equal(provider.kind, kind);
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

describe("the serialized provider", () => {
  for (const kind of ["branch", "apiToken", "branchPassword", "branchRole"]) {
    test(`${kind}: is small, holds no library code, and loads the runtime by package name`, async () => {
      const serialized = await serialize(kind);
      // Here the package is a checkout, not under node_modules: the shell is stored by value, eight
      // small method wrappers (~4 KB); the library itself would be hundreds of KB. Installed, it is
      // one require (see test/e2e/installed-package.test.ts).
      assert.ok(serialized.text.length < 8000, `serialized provider is ${serialized.text.length} bytes`);
      assert.equal(serialized.containsSecrets, false);
      assert.match(serialized.text, /require\("pulumi-planetscale\/internal\/provider-runtime"\)/);
      assert.doesNotMatch(serialized.text, /undici|zod|api\.planetscale\.com/);
    });
  }

  test("loads the way the host loads it and creates a branch", async () => {
    const serialized = await serialize("branch");
    // The host: requireFromString(text).handler(), then configure, then the CRUD calls.
    const provider = requireFromString(serialized.text).handler();
    await provider.configure({ config: configFor(emu) });
    const checked = await provider.check({}, { database: "app", name: "serialized-1" });
    assert.deepEqual(checked.failures ?? [], []);
    const created = await provider.create(checked.inputs);
    assert.equal(created.outs.name, "serialized-1");
    assert.equal(created.outs.ready, true);
    await provider.delete(created.id, created.outs);
  });

  test("loads the way the host loads it and creates and deletes a token", async () => {
    const provider = requireFromString((await serialize("apiToken")).text).handler();
    await provider.configure({ config: configFor(emu) });
    const checked = await provider.check(
      {},
      { name: "serialized-token", scopes: ["read_only"], databases: ["app"], ttl: 600 },
    );
    assert.deepEqual(checked.failures ?? [], []);
    const created = await provider.create(checked.inputs);
    assert.match(created.outs.token, /^pscale_tkn_/);
    assert.equal(created.outs.authorizationHeader, `${created.id}:${created.outs.token}`);
    await provider.delete(created.id, created.outs);
  });

  test("loads the way the host loads it: a password and a role, each with a working databaseUrl", async () => {
    for (const [kind, database, scheme] of [
      ["branchPassword", "app", "mysql:"],
      ["branchRole", "pg-app", "postgresql:"],
    ] as const) {
      const provider = requireFromString((await serialize(kind)).text).handler();
      await provider.configure({ config: configFor(emu) });
      const checked = await provider.check({}, { database, branch: "main", name: `serialized-${kind}` });
      assert.deepEqual(checked.failures ?? [], []);
      const created = await provider.create(checked.inputs);
      assert.equal(new URL(created.outs.databaseUrl).protocol, scheme);
      assert.equal(emu.checkConnection(created.outs.username, created.outs.password).valid, true);
      await provider.delete(created.id, created.outs);
      assert.equal(emu.checkConnection(created.outs.username, created.outs.password).valid, false);
    }
  });

  for (const kind of ["branch", "apiToken"] as const) {
    test(`${kind}: a shell stored by version 0.1.0 (by value, 4 KB) still works through the host`, async () => {
      const text = readFileSync(join(__dirname, `../support/provider-shell-0.1.0-${kind}.js.txt`), "utf8");
      assert.match(text, /require\("pulumi-planetscale\/internal\/provider-runtime"\)/);
      const provider = requireFromString(text).handler();
      await provider.configure({ config: configFor(emu) });
      const news =
        kind === "branch"
          ? { database: "app", name: "old-state-1" }
          : { name: "old-state-token", scopes: ["read_only"], ttl: 600 };
      const checked = await provider.check({}, news);
      assert.deepEqual(checked.failures ?? [], []);
      const created = await provider.create(checked.inputs);
      const read = await provider.read(created.id, created.outs);
      assert.equal(read.id, created.id);
      const diff = await provider.diff(created.id, created.outs, checked.inputs);
      assert.equal(diff.changes, false);
      await provider.delete(created.id, created.outs);
    });
  }

  test("the provider objects load by package name, as an installed package's state names them", () => {
    for (const [kind, file] of Object.entries(providerModules)) {
      const provider = require(`pulumi-planetscale/internal/providers/${file}`);
      assert.ok(provider instanceof shellModule.ProviderShell);
      assert.equal(provider.kind, kind);
    }
  });
});
