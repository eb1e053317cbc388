// Level 2: the provider survives Pulumi's closure serialization, exactly as `dynamic.Resource`
// serializes it, and what lands in state is small and free of library code and configuration.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_KINDS } from "../../provider/internal/dynamic/kinds";
import { type Emulator, emulator } from "../support/emulator";
import { runProcess } from "../support/process";
import { configFor } from "../support/provider-context";

// The built package (CommonJS, as users get it).
const shellModule = require("../../dist/provider/internal/dynamic/provider-shell.js");
const requireFromString = require("require-from-string");
const { installedSpecifier } = require("../../dist/provider/internal/dynamic/serialized-provider.js");
const repoRoot = join(__dirname, "..", "..");

let emu: Emulator;
before(async () => {
  emu = await emulator();
});
after(async () => emu.stop());

/** Every kind the package knows (a new kind is covered here without editing this file). */
const KINDS = Object.keys(RESOURCE_KINDS) as (keyof typeof RESOURCE_KINDS)[];
const providerModules: Record<string, string> = Object.fromEntries(
  KINDS.map((kind) => [kind, RESOURCE_KINDS[kind].providerModule]),
);

/** As `dynamic.Resource` does with the object the resource classes pass (their provider module's exports). */
async function serialize(kind: string) {
  const provider = require(`../../dist/provider/internal/providers/${providerModules[kind]}.js`);
  assert.ok(provider instanceof shellModule.ProviderShell);
  assert.equal(provider.kind, kind);
  return pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
}

describe("the serialized provider", () => {
  for (const kind of KINDS) {
    test(`${kind}: is small, holds no library code, and loads the runtime by package name`, async () => {
      const serialized = await serialize(kind);
      // Here the package is a checkout, not under node_modules: the shell is stored by value, eight
      // small method wrappers (~4 KB); the library itself would be hundreds of KB. Installed, it is
      // one require (see test/e2e/user-project.test.ts).
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

  test("loads the way the host loads it and creates and deletes a database", async () => {
    const provider = requireFromString((await serialize("database")).text).handler();
    await provider.configure({ config: configFor(emu) });
    const checked = await provider.check({}, { name: "serialized-db", requireApprovalForDeploy: true });
    assert.deepEqual(checked.failures ?? [], []);
    const created = await provider.create(checked.inputs);
    assert.deepEqual(
      [
        created.outs.name,
        created.outs.ready,
        created.outs.defaultBranch,
        created.outs.requireApprovalForDeploy,
      ],
      ["serialized-db", true, "main", true],
    );
    await provider.delete(created.id, created.outs);
    assert.equal(
      emu.snapshot().databases.find((d) => d.name === "serialized-db"),
      undefined,
    );
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

  test("installed, the resource classes write the text Pulumi's closure serializer writes, without running it", async () => {
    // A project with the package copied under node_modules (a symlink would resolve outside it).
    const project = mkdtempSync(join(tmpdir(), "pps-installed-"));
    try {
      const installed = join(project, "node_modules", "pulumi-planetscale");
      mkdirSync(installed, { recursive: true });
      cpSync(join(repoRoot, "package.json"), join(installed, "package.json"));
      cpSync(join(repoRoot, "dist"), join(installed, "dist"), { recursive: true });
      // Pulumi's serializer finds the package by resolving it from its own directory: a copy of it
      // here, its dependencies linked, as an installed project has them.
      cpSync(join(repoRoot, "node_modules", "@pulumi"), join(project, "node_modules", "@pulumi"), {
        recursive: true,
        dereference: true,
      });
      for (const name of readdirSync(join(repoRoot, "node_modules"))) {
        if (name === "@pulumi" || name === "pulumi-planetscale" || name.startsWith(".")) continue;
        symlinkSync(join(repoRoot, "node_modules", name), join(project, "node_modules", name));
      }
      const script = `
        const pulumi = require("@pulumi/pulumi");
        const ours = require(${JSON.stringify(join(installed, "dist/provider/internal/dynamic/serialized-provider.js"))});
        // The serializer's first use opens an inspector session (closure/v8Hooks) and walks every
        // loaded module: ~0.3-0.5 s of the program before the first resource is registered.
        const serializer = () => Object.keys(require.cache).some((f) => /closure[\\/]v8Hooks/.test(f));
        (async () => {
          const files = ${JSON.stringify(Object.values(providerModules))};
          const providers = files.map((file) => require("pulumi-planetscale/internal/providers/" + file));
          const texts = await Promise.all(providers.map((provider) => ours.serializedProvider(provider)));
          const out = { loadedSerializer: serializer(), texts: {} };
          for (const [i, file] of files.entries()) {
            const provider = providers[i];
            const theirs = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
            out.texts[file] = { ours: texts[i], theirs: theirs.text };
          }
          out.loadedSerializerAfter = serializer();
          console.log(JSON.stringify(out));
        })();`;
      const run = await runProcess(process.execPath, ["-e", script], { cwd: project });
      assert.equal(run.code, 0, run.stderr);
      const { texts, loadedSerializer, loadedSerializerAfter } = JSON.parse(run.stdout) as {
        texts: Record<string, { ours: string; theirs: string }>;
        loadedSerializer: boolean;
        loadedSerializerAfter: boolean;
      };
      assert.deepEqual(
        [loadedSerializer, loadedSerializerAfter],
        [false, true],
        "ours never loads the serializer",
      );
      for (const [file, { ours, theirs }] of Object.entries(texts)) {
        assert.equal(ours, theirs, file);
        assert.match(ours, new RegExp(`require\\("pulumi-planetscale/internal/providers/${file}"\\)`));
      }
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test("the installed specifier follows the package's directory under node_modules, scoped or not", () => {
    const at = (...parts: string[]) => parts.join(sep);
    assert.equal(
      installedSpecifier("branch", at("", "p", "node_modules", "pulumi-planetscale", "dist", "provider")),
      "pulumi-planetscale/internal/providers/branch",
    );
    assert.equal(
      installedSpecifier("apiToken", at("", "p", "node_modules", "@acme", "ps", "dist", "provider")),
      "@acme/ps/internal/providers/api-token",
    );
    assert.equal(installedSpecifier("branch", at("", "work", "pulumi-planetscale", "dist")), undefined);
  });
});
