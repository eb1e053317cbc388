// Level 3: the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) driven over gRPC
// as the engine drives it, with the provider text exactly as `dynamic.Resource` serializes it.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { type Intent, readJournal } from "../../provider/internal/ownership/journal";
import { waitFor } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import {
  type DynamicProviderHost,
  HostRpcError,
  secretValue,
  startDynamicProviderHost,
} from "../support/grpc-host";
import { UNKNOWN } from "../support/provider-context";

const shellModule = require("../../dist/provider/internal/dynamic/provider-shell.js");
const URN = "urn:pulumi:test::test::pulumi-nodejs:dynamic/planetscale:Branch::b";

let emu: Emulator;
let host: DynamicProviderHost;
let providerText: string;
before(async () => {
  emu = await emulator();
  const provider = new shellModule.ProviderShell("branch");
  providerText = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  host = await startDynamicProviderHost();
  await host.configure({
    "planetscale:serviceTokenId": emu.adminCredential.id,
    "planetscale:serviceToken": secretValue(emu.adminCredential.token),
    "planetscale:apiUrl": emu.apiUrl,
    "planetscale:organization": "acme",
  });
});
after(async () => {
  await host?.close();
  await emu?.stop();
});

describe("Branch through the dynamic-provider host", () => {
  let id = "";
  let outputs: Record<string, unknown> = {};
  let inputs: Record<string, unknown> = {};

  test("check reports failures per property and accepts preview unknowns", async () => {
    const bad = await host.check(URN, {}, { __provider: providerText, database: "app", name: "Bad_Name" });
    assert.equal(bad.failures[0]?.property, "name");
    const unknown = await host.check(URN, {}, { __provider: providerText, database: "app", name: UNKNOWN });
    assert.deepEqual(unknown.failures, []);
    const good = await host.check(URN, {}, { __provider: providerText, database: "app", name: "grpc-1" });
    assert.deepEqual(good.failures, []);
    assert.equal(good.inputs["organization"], "acme", "organization came from configure");
    inputs = good.inputs;
  });

  test("create returns the id and full outputs", async () => {
    const created = await host.create(URN, inputs);
    id = created.id;
    outputs = created.properties;
    assert.equal(outputs["branchId"], id);
    assert.equal(outputs["ready"], true);
    assert.equal(outputs["__provider"], providerText);
  });

  test("diff and update rename in place", async () => {
    const news = { ...inputs, name: "grpc-2" };
    const diff = await host.diff(URN, id, outputs, news);
    assert.equal(diff.changes, 2 /* DIFF_SOME */);
    assert.deepEqual(diff.replaces, []);
    outputs = (await host.update(URN, id, outputs, news)).properties;
    assert.equal(outputs["name"], "grpc-2");
    assert.equal(outputs["branchId"], id);
  });

  test("read returns outputs and inputs", async () => {
    const read = await host.read(URN, id, outputs);
    assert.equal(read.id, id);
    assert.equal(read.properties["name"], "grpc-2");
    assert.equal(read.inputs?.["name"], "grpc-2");
  });

  test("a readiness timeout comes back as ErrorResourceInitFailed with the id and provider", async () => {
    emu.setReadyDelay(60_000);
    const checked = await host.check(
      URN,
      {},
      { __provider: providerText, database: "app", name: "grpc-slow", readyTimeout: 1 },
    );
    await assert.rejects(host.create(URN, checked.inputs), (e: unknown) => {
      if (!(e instanceof HostRpcError)) throw e;
      assert.match(e.initFailed?.id ?? "", /^[a-z0-9]{12}$/);
      assert.equal(e.initFailed?.properties["__provider"], providerText);
      return true;
    });
    emu.setReadyDelay(100);
  });

  test("delete removes it, and the host never printed the credential", async () => {
    await host.delete(URN, id, outputs);
    const read = await host.read(URN, id, outputs);
    assert.equal(read.id, "");
    assert.ok(!host.stderr().includes(emu.adminCredential.token));
  });
});

describe("ApiToken through the dynamic-provider host", () => {
  const TOKEN_URN = "urn:pulumi:test::test::pulumi-nodejs:dynamic/planetscale:ApiToken::t";
  let tokenProvider: string;
  before(async () => {
    const provider = new shellModule.ProviderShell("apiToken");
    tokenProvider = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
  });

  test("create, update in place and delete; the token value never reaches the host's output", async () => {
    const checked = await host.check(
      TOKEN_URN,
      {},
      { __provider: tokenProvider, name: "grpc-token", scopes: ["read_only"], databases: ["app"], ttl: "1h" },
    );
    assert.deepEqual(checked.failures, []);
    const created = await host.create(TOKEN_URN, checked.inputs);
    const secret = String(created.properties["token"]);
    assert.match(secret, /^pscale_tkn_/);
    const news = (
      await host.check(TOKEN_URN, checked.inputs, { ...checked.inputs, scopes: ["schema_changes"] })
    ).inputs;
    const diff = await host.diff(TOKEN_URN, created.id, created.properties, news);
    assert.deepEqual(diff.replaces, []);
    const updated = await host.update(TOKEN_URN, created.id, created.properties, news);
    assert.equal(updated.properties["token"], secret, "the plaintext is carried forward");
    await host.delete(TOKEN_URN, created.id, updated.properties);
    assert.equal((await host.read(TOKEN_URN, created.id, updated.properties)).id, "");
    assert.ok(!host.stderr().includes(secret));
  });
});

describe("BranchPassword and BranchRole through the dynamic-provider host", () => {
  for (const [type, kind, database] of [
    ["BranchPassword", "branchPassword", "app"],
    ["BranchRole", "branchRole", "pg-app"],
  ] as const) {
    test(`${type}: wrong kind refused at check; create, read, delete; the plaintext never reaches the host's output`, async () => {
      const urn = `urn:pulumi:test::test::pulumi-nodejs:dynamic/planetscale:${type}::c`;
      const shell = new shellModule.ProviderShell(kind);
      const text = (await pulumi.runtime.serializeFunction(() => shell, { allowSecrets: true })).text;
      const other = database === "app" ? "pg-app" : "app";
      const wrong = await host.check(urn, {}, { __provider: text, database: other, branch: "main" });
      assert.equal(wrong.failures[0]?.property, "database");
      const checked = await host.check(urn, {}, { __provider: text, database, branch: "main", ttl: "1h" });
      assert.deepEqual(checked.failures, []);
      const created = await host.create(urn, checked.inputs);
      const secret = String(created.properties["password"]);
      assert.ok(secret.length > 20);
      assert.ok(String(created.properties["databaseUrl"]).includes(encodeURIComponent(secret)));
      assert.equal(emu.checkConnection(String(created.properties["username"]), secret).valid, true);
      const read = await host.read(urn, created.id, created.properties);
      assert.equal(read.properties["password"], secret, "the plaintext is carried forward");
      await host.delete(urn, created.id, created.properties);
      assert.equal((await host.read(urn, created.id, created.properties)).id, "");
      assert.ok(!host.stderr().includes(secret));
    });
  }
});

describe("errors through the dynamic-provider host", () => {
  test("an error of ours reaches the engine once, without the host's own print; another error keeps it", async () => {
    const from = host.stderr().length;
    await assert.rejects(
      host.check(URN, {}, { __provider: providerText, database: "nope", name: "grpc-err" }),
      (error: HostRpcError) => {
        assert.match(error.message, /database "nope" was not found in organization "acme"/);
        assert.match(error.message, /\n {2}caused by: GET \/organizations\/acme\/databases\/nope → 404/);
        return true;
      },
    );
    // A failure that is not this package's (here a provider text that cannot load) is printed by
    // the host with its stack trace, as before. Its print follows ours on the same stream, so once
    // it is there, ours would be too.
    const broken = "exports.handler = () => { throw new TypeError('provider text that cannot load'); };";
    await assert.rejects(host.check(URN, {}, { __provider: broken, database: "app" }));
    await waitFor("the host's print of the other failure", () =>
      host.stderr().slice(from).includes("TypeError: provider text that cannot load"),
    );
    const printed = host.stderr().slice(from);
    assert.ok(!printed.includes('database "nope"'), printed);
  });
});

describe("the recovery journal in the dynamic-provider host", () => {
  /** A host with its own journal directory, configured like the suite's. */
  async function hostWithJournal(): Promise<{ host: DynamicProviderHost; journal: string }> {
    const journal = join(mkdtempSync(join(tmpdir(), "pps-host-journal-")), "journal");
    const started = await startDynamicProviderHost({ env: { PULUMI_PLANETSCALE_JOURNAL_DIR: journal } });
    await started.configure({
      "planetscale:serviceTokenId": emu.adminCredential.id,
      "planetscale:serviceToken": secretValue(emu.adminCredential.token),
      "planetscale:apiUrl": emu.apiUrl,
      "planetscale:organization": "acme",
    });
    return { host: started, journal };
  }
  async function createBranch(on: DynamicProviderHost, name: string): Promise<string> {
    const checked = await on.check(URN, {}, { __provider: providerText, database: "app", name });
    return (await on.create(URN, checked.inputs)).id;
  }
  function records(journal: string): Intent[] {
    return readJournal(journal, emu.adminCredential.id).entries.map((e) => e.intent);
  }

  test("a create's record stays, settled, until the engine ends the host with SIGINT; then it is gone", async () => {
    const { host: own, journal } = await hostWithJournal();
    try {
      const id = await createBranch(own, "grpc-journal-1");
      // The answer has left the host, but whether the engine saved it is unknown until it ends the host.
      const [record, ...more] = records(journal);
      assert.equal(more.length, 0);
      assert.equal(record?.settled, true);
      assert.deepEqual(
        record?.attempts.map((a) => [a.state, a.id]),
        [["created", id]],
      );
      await own.close();
      assert.equal(own.exitSignal(), "SIGINT", "the host still ends by the engine's signal");
      assert.deepEqual(readdirSync(journal), []);
    } finally {
      await own.close();
      rmSync(dirname(journal), { recursive: true, force: true });
    }
  });

  test("a host killed after its create returned leaves the settled record for `recover`", async () => {
    const { host: own, journal } = await hostWithJournal();
    try {
      const id = await createBranch(own, "grpc-journal-2");
      await own.kill();
      assert.deepEqual(
        records(journal).map((r) => [r.name, r.settled, r.attempts.at(-1)?.id]),
        [["grpc-journal-2", true, id]],
      );
    } finally {
      rmSync(dirname(journal), { recursive: true, force: true });
    }
  });
});
