// Level 1: how `pulumi-planetscale recover` gathers the evidence of interrupted creates and proves
// what they made, against the emulator. The end-to-end kills are in test/e2e/recovery.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  gatherEvidence,
  type Interrupted,
  LOCK_CLOCK_SKEW_MS,
} from "../../provider/commands/recover/interrupted";
import { resolveInterrupted } from "../../provider/commands/recover/resolve";
import type { Deployment } from "../../provider/commands/recover/stack";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { type Intent, readJournal, recordIntent } from "../../provider/internal/ownership/journal";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";

const TOKENS = "/organizations/acme/service-tokens";
const TOKEN_TYPE = "pulumi-nodejs:dynamic/planetscale:ApiToken";

let emu: Emulator;
let dir: string;
before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  dir = mkdtempSync(join(tmpdir(), "pps-journal-"));
});
after(async () => {
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client() {
  return getClient(
    resolveSettings(undefined, {
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: emu.organization,
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    }),
  );
}

function pendingToken(name: string): Deployment {
  return {
    version: 3,
    deployment: {
      resources: [],
      pending_operations: [
        {
          type: "creating",
          resource: {
            urn: `urn:pulumi:test::e2e::${TOKEN_TYPE}::${name}`,
            type: TOKEN_TYPE,
            inputs: { organization: "acme", name },
          },
        },
      ],
    },
  };
}

describe("the recovery journal", () => {
  test("a record is written before a create and removed when it settles", () => {
    const journal = join(dir, "roundtrip");
    const settled = recordIntent(
      client(),
      { kind: "serviceToken", organization: "acme", name: "ci" },
      () => {},
      {
        PULUMI_PLANETSCALE_JOURNAL_DIR: journal,
      },
    );
    const [entry] = readJournal(journal);
    assert.equal(entry?.intent.name, "ci");
    assert.equal(entry?.intent.pid, process.pid);
    assert.equal(entry?.intent.actorId, emu.adminCredential.id);
    settled();
    assert.deepEqual(readJournal(journal), []);
  });
});

describe("gathering the evidence of interrupted creates", () => {
  const cwd = () => realpathSync(dir);
  const intent = (over: Partial<Intent>): Intent => ({
    version: 1,
    kind: "serviceToken",
    organization: "acme",
    name: "ci",
    earliest: "2026-01-01T00:00:10.000Z",
    pid: 2 ** 22 + 1, // above Linux's pid_max: never a live process
    hostname: hostname(),
    cwd: cwd(),
    ...over,
  });
  const lock = {
    file: "l.json",
    pid: 1,
    hostname: "h",
    username: "u",
    timestamp: Date.parse("2026-01-01T00:00:00Z"),
  };

  test("a pending create is bounded by the interrupted run's lock, less the clock allowance", () => {
    const evidence = gatherEvidence(pendingToken("ci"), [], { cwd: cwd(), backendUrl: "", locks: [lock] });
    assert.equal(evidence.interrupted.length, 1);
    assert.equal(evidence.interrupted[0]?.earliest, lock.timestamp - LOCK_CLOCK_SKEW_MS);
  });

  test("without a lock or a journal record, a pending create cannot be bounded and is refused", () => {
    const evidence = gatherEvidence(pendingToken("ci"), [], { cwd: cwd(), backendUrl: "", locks: [] });
    assert.equal(evidence.interrupted.length, 0);
    assert.match(evidence.unbounded[0] ?? "", /neither a lock .* nor a journal record/);
  });

  test("a journal record and the pending create of one object are one case, bounded by the record", () => {
    const evidence = gatherEvidence(pendingToken("ci"), [{ file: "a.json", intent: intent({}) }], {
      cwd: cwd(),
      backendUrl: "",
      locks: [lock],
    });
    assert.equal(evidence.interrupted.length, 1);
    assert.equal(evidence.interrupted[0]?.earliest, Date.parse("2026-01-01T00:00:10.000Z"));
    assert.equal(evidence.interrupted[0]?.sources.length, 2);
  });

  test("records of a running process, another machine or another project are left alone", () => {
    const evidence = gatherEvidence(
      { version: 3, deployment: { resources: [] } },
      [
        { file: "live.json", intent: intent({ pid: process.pid }) },
        { file: "far.json", intent: intent({ hostname: "another-runner" }) },
        { file: "other.json", intent: intent({ cwd: tmpdir() }) },
      ],
      { cwd: cwd(), backendUrl: "", locks: [] },
    );
    assert.deepEqual(evidence.interrupted, []);
    assert.equal(evidence.skipped.length, 2);
    assert.match(
      evidence.skipped.join("\n"),
      /still running[\s\S]*cannot be checked|cannot be checked[\s\S]*still running/,
    );
  });
});

describe("proving what an interrupted create made", () => {
  const item = (name: string, earliest: number): Interrupted => ({
    kind: "serviceToken",
    organization: "acme",
    name,
    earliest,
    actorId: emu.adminCredential.id,
    sources: ["test"],
    journalFiles: [],
  });

  test("our token, created after the run started, is deleted; a colleague's same-name token is not", async () => {
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-r" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { access: ["write_service_tokens"] },
    });
    const start = Date.now() - 2_000;
    const ours = (await call(emu, "POST", TOKENS, { body: { name: "r-1" } })).body;
    const theirs = (await call(emu, "POST", TOKENS, { body: { name: "r-1" }, cred: colleague })).body;
    const resolution = await resolveInterrupted(client(), item("r-1", start), new Set());
    assert.equal(resolution.outcome, "deleted");
    const left = emu
      .snapshot()
      .serviceTokens.filter((t) => t.name === "r-1")
      .map((t) => t.id);
    assert.deepEqual(left, [theirs.id]);
    assert.notEqual(ours.id, theirs.id);
  });

  test("a token that existed before the run, or that the stack holds, is untouched", async () => {
    const old = (await call(emu, "POST", TOKENS, { body: { name: "r-2" } })).body;
    const later = Date.now() + 60_000;
    assert.equal((await resolveInterrupted(client(), item("r-2", later), new Set())).outcome, "untouched");
    assert.equal(
      (await resolveInterrupted(client(), item("r-2", 0), new Set([old.id]))).outcome,
      "untouched",
    );
    assert.ok(emu.snapshot().serviceTokens.some((t) => t.id === old.id));
  });

  test("two new tokens of ours with one name stop recovery, naming both, and nothing is deleted", async () => {
    const start = Date.now() - 2_000;
    const a = (await call(emu, "POST", TOKENS, { body: { name: "r-3" } })).body;
    const b = (await call(emu, "POST", TOKENS, { body: { name: "r-3" } })).body;
    const resolution = await resolveInterrupted(client(), item("r-3", start), new Set());
    assert.equal(resolution.outcome, "ambiguous");
    assert.match(resolution.detail, new RegExp(`${a.id}.*${b.id}|${b.id}.*${a.id}`));
    assert.match(resolution.detail, /pscale service-token delete/);
    assert.equal(emu.snapshot().serviceTokens.filter((t) => t.name === "r-3").length, 2);
  });

  test("a branch made in the window: ours is deleted, one a colleague created is untouched", async () => {
    const BRANCHES = "/organizations/acme/databases/app/branches";
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-b" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { database: "app", access: ["create_branch", "read_branch"] },
    });
    const start = Date.now() - 2_000;
    const branch = (name: string): Interrupted => ({ ...item(name, start), kind: "branch", database: "app" });
    const ours = (await call(emu, "POST", BRANCHES, { body: { name: "r-ours" } })).body;
    const theirs = (await call(emu, "POST", BRANCHES, { body: { name: "r-theirs" }, cred: colleague })).body;
    const deleted = await resolveInterrupted(client(), branch("r-ours"), new Set());
    const untouched = await resolveInterrupted(client(), branch("r-theirs"), new Set());
    assert.equal(deleted.outcome, "deleted");
    assert.equal(untouched.outcome, "untouched");
    assert.match(untouched.detail, /not by the credential of this stack/);
    const names = emu.snapshot().branches.map((b) => b.id);
    assert.ok(!names.includes(ours.id) && names.includes(theirs.id));
  });

  test("a password made in the window with our create's name by a colleague is untouched", async () => {
    const BRANCHES = "/organizations/acme/databases/app/branches";
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-p" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { database: "app", access: ["connect_production_branch", "read_branch"] },
    });
    const start = Date.now() - 2_000;
    const password: Interrupted = {
      ...item("r-pw", start),
      kind: "password",
      database: "app",
      branch: "main",
    };
    const theirs = (
      await call(emu, "POST", `${BRANCHES}/main/passwords`, { body: { name: "r-pw" }, cred: colleague })
    ).body;
    const resolution = await resolveInterrupted(client(), password, new Set());
    assert.notEqual(resolution.outcome, "deleted");
    assert.ok(emu.snapshot().passwords.some((p) => p.id === theirs.id));
  });
});
