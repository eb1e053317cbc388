// Level 1: how `pulumi-planetscale recover` gathers the evidence of interrupted creates and proves
// what they made, against the emulator. The end-to-end kills are in test/e2e/recovery.test.ts, the
// journal's privacy in journal.test.ts, and reading every stack through the CLI in backend.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  gatherEvidence,
  type Interrupted,
  LOCK_CLOCK_SKEW_MS,
  recordedId,
  type StackIdentity,
} from "../../provider/commands/recover/interrupted";
import { type Ownership, resolveInterrupted } from "../../provider/commands/recover/resolve";
import type { Deployment } from "../../provider/commands/recover/stack";
import { BackendEvidence } from "../../provider/internal/backend/evidence";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import type { Intent, IntentAttempt, JournalEntry } from "../../provider/internal/ownership/journal";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";

const TOKENS = "/organizations/acme/service-tokens";
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKEN_TYPE = "pulumi-nodejs:dynamic/planetscale:ApiToken";
const BRANCH_TYPE = "pulumi-nodejs:dynamic/planetscale:Branch";
const DEPLOY_REQUEST_TYPE = "pulumi-nodejs:dynamic/planetscale:DeployRequest";
const DEPLOY_REQUESTS = "/organizations/acme/databases/app/deploy-requests";

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

function pending(type: string, name: string, inputs: Record<string, unknown> = {}): Deployment {
  return {
    version: 3,
    deployment: {
      resources: [],
      pending_operations: [
        {
          type: "creating",
          resource: {
            urn: `urn:pulumi:test::e2e::${type}::${name}`,
            type,
            inputs: { organization: "acme", name, ...inputs },
          },
        },
      ],
    },
  };
}

/** A stack's checkpoint holding one object. */
function holding(type: string, id: string, outputs: Record<string, unknown>): Deployment {
  return {
    version: 3,
    deployment: {
      resources: [
        { urn: `urn:pulumi:x::p::${type}::r`, type, id, outputs: { organization: "acme", ...outputs } },
      ],
    },
  };
}

const self = (): StackIdentity => ({
  stack: "a",
  project: "e2e",
  cwd: realpathSync(dir),
  backend: "file:///state",
});

const intent = (over: Partial<Intent>): Intent => ({
  version: 2,
  kind: "serviceToken",
  organization: "acme",
  name: "ci",
  earliest: "2026-01-01T00:00:10.000Z",
  actorId: emu.adminCredential.id,
  pid: 2 ** 22 + 1, // above Linux's pid_max: never a live process
  hostname: hostname(),
  cwd: realpathSync(dir),
  project: "e2e",
  stack: "a",
  backend: "file:///state",
  attempts: [],
  ...over,
});

function own(over: Partial<Ownership> = {}): Ownership {
  return {
    stateIds: new Set(),
    evidence: BackendEvidence.of(new Map()),
    self: "organization/e2e/a",
    claims: [],
    actorId: emu.adminCredential.id,
    ...over,
  };
}

/** A checkpoint with no resource and no pending operation. */
const empty: Deployment = { version: 3, deployment: { resources: [] } };

const unknownAttempt: IntentAttempt = { at: "2026-01-01T00:00:10.000Z", state: "unknown", status: 503 };

describe("gathering the evidence of interrupted creates", () => {
  const lockTime = Date.parse("2026-01-01T00:00:00Z");

  test("a pending create is bounded by the interrupted run's lock, less the clock allowance", () => {
    const evidence = gatherEvidence(pending(TOKEN_TYPE, "ci"), [], { self: self(), lockTime });
    assert.equal(evidence.interrupted.length, 1);
    assert.equal(evidence.interrupted[0]?.earliest, lockTime - LOCK_CLOCK_SKEW_MS);
    assert.equal(evidence.interrupted[0]?.attempts, undefined, "no record: what was sent is unknown");
  });

  test("a deploy request's pending create is named by its branch (it has no name), and joins its journal record", () => {
    const deployment: Deployment = {
      version: 3,
      deployment: {
        resources: [],
        pending_operations: [
          {
            type: "creating",
            resource: {
              urn: `urn:pulumi:test::e2e::${DEPLOY_REQUEST_TYPE}::schema`,
              type: DEPLOY_REQUEST_TYPE,
              inputs: { organization: "acme", database: "app", branch: "pr-7" },
            },
          },
        ],
      },
    };
    const alone = gatherEvidence(deployment, [], { self: self(), lockTime });
    assert.deepEqual(
      alone.interrupted.map((i) => [i.kind, i.database, i.branch, i.name]),
      [["deployRequest", "app", "pr-7", "pr-7"]],
    );
    // The provider's journal record names it the same way: one case, not two.
    const entry: JournalEntry = {
      file: "dr.json",
      intent: intent({ kind: "deployRequest", database: "app", branch: "pr-7", name: "pr-7" }),
    };
    const joined = gatherEvidence(deployment, [entry], { self: self(), lockTime });
    assert.equal(joined.interrupted.length, 1);
    assert.deepEqual(joined.interrupted[0]?.journalFiles, ["dr.json"]);
  });

  test("without a lock or a journal record, a pending create cannot be bounded, and the missing evidence is named", () => {
    const evidence = gatherEvidence(pending(TOKEN_TYPE, "ci"), [], { self: self() });
    assert.equal(evidence.interrupted.length, 0);
    assert.match(evidence.unbounded[0] ?? "", /neither a lock .* nor a journal record/);
    assert.match(evidence.unbounded[0] ?? "", /pulumi cancel/);
  });

  test("a journal record and the pending create of one object are one case, bounded by the record, with its attempts", () => {
    const entry: JournalEntry = { file: "a.json", intent: intent({ attempts: [unknownAttempt] }) };
    const evidence = gatherEvidence(pending(TOKEN_TYPE, "ci"), [entry], { self: self(), lockTime });
    assert.equal(evidence.interrupted.length, 1);
    assert.equal(evidence.interrupted[0]?.earliest, Date.parse("2026-01-01T00:00:10.000Z"));
    assert.equal(evidence.interrupted[0]?.sources.length, 2);
    assert.deepEqual(evidence.interrupted[0]?.attempts, [unknownAttempt]);
  });

  test("a settled create's record: only removed when the stack holds its object, else an interrupted create", () => {
    const created: IntentAttempt = { at: "2026-01-01T00:00:10.000Z", state: "created", id: "tok123" };
    const settled: JournalEntry = { file: "s.json", intent: intent({ attempts: [created], settled: true }) };
    const [item] = gatherEvidence(empty, [settled], { self: self(), lockTime }).interrupted;
    assert.ok(item);
    assert.equal(recordedId(item, new Set(["tok123"])), "tok123", "the engine received its answer");
    assert.equal(recordedId(item, new Set()), undefined, "its answer was lost: resolved as interrupted");
    // Not settled (the host died during the create), or joined by a pending create: interrupted.
    const unsettled: JournalEntry = { file: "u.json", intent: intent({ attempts: [created] }) };
    const [during] = gatherEvidence(empty, [unsettled], { self: self(), lockTime }).interrupted;
    assert.equal(recordedId(during as Interrupted, new Set(["tok123"])), undefined);
    const [joined] = gatherEvidence(pending(TOKEN_TYPE, "ci"), [settled], {
      self: self(),
      lockTime,
    }).interrupted;
    assert.equal(recordedId(joined as Interrupted, new Set(["tok123"])), undefined);
  });

  test("one project directory, several stacks: another stack's record is a claim, never this stack's case", () => {
    const evidence = gatherEvidence(
      { version: 3, deployment: {} },
      [{ file: "y.json", intent: intent({ stack: "y" }) }],
      {
        self: self(),
      },
    );
    assert.deepEqual(evidence.interrupted, []);
    assert.equal(evidence.claims.length, 1);
    assert.match(evidence.claims[0]?.detail ?? "", /stack y/);
  });

  test("records of a running process are claims, and make this stack's recovery refuse when they are its own", () => {
    const evidence = gatherEvidence(
      { version: 3, deployment: {} },
      [
        { file: "live.json", intent: intent({ pid: process.pid }) },
        { file: "other-live.json", intent: intent({ pid: process.pid, stack: "y", name: "y-ci" }) },
        { file: "far.json", intent: intent({ hostname: "another-runner", name: "far" }) },
      ],
      { self: self() },
    );
    assert.deepEqual(evidence.interrupted, []);
    assert.equal(evidence.live.length, 1);
    assert.match(evidence.live[0] ?? "", /still running/);
    assert.equal(evidence.claims.length, 3, "the live creates and the far one's are all claims");
    assert.match(evidence.skipped.join("\n"), /cannot be checked from here/);
  });

  test("a record of another backend is not this stack's", () => {
    const evidence = gatherEvidence(
      { version: 3, deployment: {} },
      [{ file: "b.json", intent: intent({ backend: "postgres://****:****@db/state" }) }],
      {
        self: self(),
      },
    );
    assert.deepEqual(evidence.interrupted, []);
  });
});

describe("proving what an interrupted create made", () => {
  const item = (name: string, earliest: number, over: Partial<Interrupted> = {}): Interrupted => ({
    kind: "serviceToken",
    organization: "acme",
    name,
    earliest,
    sources: ["test"],
    journalFiles: [],
    ...over,
  });

  test("our token, created after the run started, is planned for deletion; a colleague's same-name token is not", async () => {
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-r" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { access: ["write_service_tokens"] },
    });
    const start = Date.now() - 2_000;
    const ours = (await call(emu, "POST", TOKENS, { body: { name: "r-1" } })).body;
    const theirs = (await call(emu, "POST", TOKENS, { body: { name: "r-1" }, cred: colleague })).body;
    const resolution = await resolveInterrupted(client(), item("r-1", start), own());
    assert.equal(resolution.outcome, "deleted");
    assert.ok(
      emu.snapshot().serviceTokens.some((t) => t.id === ours.id),
      "deciding deletes nothing",
    );
    if (resolution.outcome === "deleted") await resolution.remove();
    const left = emu
      .snapshot()
      .serviceTokens.filter((t) => t.name === "r-1")
      .map((t) => t.id);
    assert.deepEqual(left, [theirs.id]);
  });

  test("a token that existed before the run, or that the stack holds, is untouched", async () => {
    const old = (await call(emu, "POST", TOKENS, { body: { name: "r-2" } })).body;
    const later = Date.now() + 60_000;
    assert.equal((await resolveInterrupted(client(), item("r-2", later), own())).outcome, "untouched");
    assert.equal(
      (await resolveInterrupted(client(), item("r-2", 0), own({ stateIds: new Set([old.id]) }))).outcome,
      "untouched",
    );
  });

  test("a colleague's stack with the same token holds the branch: untouched (recover of a 503'd stack)", async () => {
    const start = Date.now() - 2_000;
    // Stack a's create got a 503 (nothing made); stack b, same token, then created the name.
    const theirs = (await call(emu, "POST", BRANCHES, { body: { name: "shared-7" } })).body;
    const b = holding(BRANCH_TYPE, theirs.id, { database: "app", name: "shared-7" });
    const resolution = await resolveInterrupted(
      client(),
      item("shared-7", start, { kind: "branch", database: "app", attempts: [unknownAttempt] }),
      own({ evidence: BackendEvidence.of(new Map([["organization/e2e/b", b]])) }),
    );
    assert.equal(resolution.outcome, "untouched");
    assert.match(resolution.detail, /stack organization\/e2e\/b holds it/);
    assert.ok(emu.snapshot().branches.some((x) => x.id === theirs.id));
  });

  test("another stack's pending create of the same name protects what it may have made", async () => {
    const start = Date.now() - 2_000;
    const made = (await call(emu, "POST", BRANCHES, { body: { name: "race-3" } })).body;
    const other = pending(BRANCH_TYPE, "race-3", { database: "app" });
    const resolution = await resolveInterrupted(
      client(),
      item("race-3", start, { kind: "branch", database: "app" }),
      own({ evidence: BackendEvidence.of(new Map([["organization/e2e/c", other]])) }),
    );
    assert.equal(resolution.outcome, "untouched");
    assert.match(resolution.detail, /organization\/e2e\/c has a create of this name/);
    assert.ok(emu.snapshot().branches.some((x) => x.id === made.id));
  });

  test("a create whose requests never reached PlanetScale deletes nothing, even a new same-name object of our credential", async () => {
    const start = Date.now() - 2_000;
    const someone = (await call(emu, "POST", BRANCHES, { body: { name: "never-1" } })).body;
    for (const attempts of [
      [],
      [{ at: "x", state: "not-sent" }],
      [{ at: "x", state: "refused", status: 422 }],
    ] as IntentAttempt[][]) {
      const resolution = await resolveInterrupted(
        client(),
        item("never-1", start, { kind: "branch", database: "app", attempts }),
        own(),
      );
      assert.equal(resolution.outcome, "nothing");
      assert.match(resolution.detail, /never reached PlanetScale/);
    }
    assert.ok(emu.snapshot().branches.some((x) => x.id === someone.id));
  });

  test("a create answered with an id takes only that object", async () => {
    const start = Date.now() - 2_000;
    const a = (await call(emu, "POST", TOKENS, { body: { name: "r-5" } })).body;
    const b = (await call(emu, "POST", TOKENS, { body: { name: "r-5" } })).body;
    const resolution = await resolveInterrupted(
      client(),
      item("r-5", start, { attempts: [{ at: "x", state: "created", id: b.id }] }),
      own(),
    );
    assert.equal(resolution.outcome, "deleted");
    assert.equal(resolution.outcome === "deleted" ? resolution.id : "", b.id);
    assert.notEqual(a.id, b.id);
  });

  test("a live process's create, or another stack's interrupted one, protects its name", async () => {
    const start = Date.now() - 2_000;
    await call(emu, "POST", TOKENS, { body: { name: "r-6" } });
    const resolution = await resolveInterrupted(
      client(),
      item("r-6", start),
      own({
        claims: [
          {
            subject: { kind: "serviceToken", organization: "acme", name: "r-6" },
            detail: "a running process (pid 7) is creating it",
          },
        ],
      }),
    );
    assert.equal(resolution.outcome, "untouched");
    assert.match(resolution.detail, /running process/);
  });

  test("two new tokens of ours with one name stop recovery, naming both", async () => {
    const start = Date.now() - 2_000;
    const a = (await call(emu, "POST", TOKENS, { body: { name: "r-3" } })).body;
    const b = (await call(emu, "POST", TOKENS, { body: { name: "r-3" } })).body;
    const resolution = await resolveInterrupted(client(), item("r-3", start), own());
    assert.equal(resolution.outcome, "ambiguous");
    assert.match(resolution.detail, new RegExp(`${a.id}.*${b.id}|${b.id}.*${a.id}`));
    assert.match(resolution.detail, /pscale service-token delete/);
  });

  test("a branch made in the window: ours is planned for deletion, one a colleague created is untouched", async () => {
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-b" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { database: "app", access: ["create_branch", "read_branch"] },
    });
    const start = Date.now() - 2_000;
    const branch = (name: string): Interrupted => item(name, start, { kind: "branch", database: "app" });
    await call(emu, "POST", BRANCHES, { body: { name: "r-ours" } });
    await call(emu, "POST", BRANCHES, { body: { name: "r-theirs" }, cred: colleague });
    const deleted = await resolveInterrupted(client(), branch("r-ours"), own());
    const untouched = await resolveInterrupted(client(), branch("r-theirs"), own());
    assert.equal(deleted.outcome, "deleted");
    assert.equal(untouched.outcome, "untouched");
    assert.match(untouched.detail, /not by the credential of this stack/);
  });

  test("a password made in the window with our create's name by a colleague is untouched", async () => {
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-p" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { database: "app", access: ["connect_production_branch", "read_branch"] },
    });
    const start = Date.now() - 2_000;
    const password = item("r-pw", start, { kind: "password", database: "app", branch: "main" });
    const theirs = (
      await call(emu, "POST", `${BRANCHES}/main/passwords`, { body: { name: "r-pw" }, cred: colleague })
    ).body;
    const resolution = await resolveInterrupted(client(), password, own());
    assert.notEqual(resolution.outcome, "deleted");
    assert.ok(emu.snapshot().passwords.some((p) => p.id === theirs.id));
  });

  test("a deploy request opened in the window by our credential is planned to be closed; a colleague's is untouched", async () => {
    const colleague = (await call(emu, "POST", TOKENS, { body: { name: "colleague-d" } })).body;
    await call(emu, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { database: "app", access: ["create_deploy_request", "read_deploy_request", "read_branch"] },
    });
    const safe = await call(emu, "POST", `${BRANCHES}/main/safe-migrations`);
    assert.equal(safe.status, 200, safe.text);
    for (const name of ["r-dr-ours", "r-dr-theirs"]) {
      assert.equal((await call(emu, "POST", BRANCHES, { body: { name } })).status, 201);
      emu.applySchema({ organization: "acme", database: "app", branch: name }, [
        `CREATE TABLE ${name.replaceAll("-", "_")} (id bigint PRIMARY KEY)`,
      ]);
    }
    const start = Date.now() - 2_000;
    const ours = await call(emu, "POST", DEPLOY_REQUESTS, { body: { branch: "r-dr-ours" } });
    const theirs = await call(emu, "POST", DEPLOY_REQUESTS, {
      body: { branch: "r-dr-theirs" },
      cred: colleague,
    });
    assert.equal(ours.status, 201, ours.text);
    assert.equal(theirs.status, 201, theirs.text);
    const request = (branch: string): Interrupted =>
      item(branch, start, { kind: "deployRequest", database: "app", branch });
    const state = async (n: number) => (await call(emu, "GET", `${DEPLOY_REQUESTS}/${n}`)).body.state;

    const closing = await resolveInterrupted(client(), request("r-dr-ours"), own());
    assert.equal(closing.outcome, "deleted", closing.detail);
    assert.match(closing.detail, /closed \(the next `pulumi up` opens it again\)/);
    assert.equal(await state(ours.body.number), "open", "deciding closes nothing");
    if (closing.outcome === "deleted") await closing.remove();
    assert.equal(await state(ours.body.number), "closed");

    const untouched = await resolveInterrupted(client(), request("r-dr-theirs"), own());
    assert.equal(untouched.outcome, "untouched");
    assert.match(untouched.detail, /not by the credential of this stack/);
    assert.equal(await state(theirs.body.number), "open");
  });
});
