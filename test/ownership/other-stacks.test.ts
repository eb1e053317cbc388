// Level 1: after an unknown outcome, an object found by name is taken (a branch) or deleted and made
// again (a token, a password, a role) only if no other stack of the state backend holds it or is
// creating one of its name: stacks that share a credential all pass the creator and time checks.
// The backend is given as checkpoints (as `pulumi stack export` prints them); test/e2e/team.test.ts
// reads a real one through the Pulumi CLI.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import type { Deployment } from "../../provider/internal/backend/stacks";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import { databaseResource as database } from "../../provider/internal/database/resource";
import type {
  ProviderContext,
  ResourceImplementation,
} from "../../provider/internal/dynamic/resource-implementation";
import { readStacksWith } from "../../provider/internal/ownership/other-stacks";
import { ClaimedByStackError, OwnershipUnprovenError } from "../../provider/internal/resource-errors";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, TEST_STACK } from "../support/provider-context";

type Props = Record<string, unknown>;
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";
const PASSWORDS = `${BRANCHES}/*/passwords`;
const ROLES = "/organizations/acme/databases/pg-app/branches/*/roles";
const COLLEAGUE = "organization/e2e/pr-8";

let emu: Emulator;
/** What the colleague's stack (same project, same credential) holds or is creating, per test. */
let theirs: Deployment;
let ctx: ReturnType<typeof contextForEmulator>;

before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  ctx = contextForEmulator(
    emu,
    { "planetscale:lateCreateWaitMs": "300", "planetscale:maxRetries": "1" },
    () => new Map([[COLLEAGUE, theirs]]),
  );
});
after(async () => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  theirs = { version: 3, deployment: {} };
});

const type = (cls: string) => `pulumi-nodejs:dynamic/planetscale:${cls}`;

/** A checkpoint whose resource `cls` holds `id`. */
function holding(cls: string, id: string): Deployment {
  return {
    version: 3,
    deployment: { resources: [{ urn: `urn:pulumi:pr-8::e2e::${type(cls)}::x`, type: type(cls), id }] },
  };
}

/** A checkpoint with a pending create of `cls` with these inputs (the engine writes it before `create`). */
function creating(cls: string, inputs: Props): Deployment {
  const resource = { urn: `urn:pulumi:pr-8::e2e::${type(cls)}::x`, type: type(cls), inputs };
  return { version: 3, deployment: { pending_operations: [{ type: "creating", resource }] } };
}

async function create(impl: ResourceImplementation, inputs: Props, context: ProviderContext = ctx) {
  const checked = await impl.check(context, {}, { ...inputs, __provider: "p", __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const result = await impl.create(context, checked.inputs as Props);
  return { id: result.id, outs: result.outs as Props };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail("expected the create to fail"),
    (error: Error) => error,
  );
}

const branchId = (name: string) => emu.snapshot().branches.find((b) => b.name === name)?.id;
const named = <T extends { name?: string | null }>(list: T[], name: string) =>
  list.filter((x) => x.name === name);

describe("a branch found after an unknown outcome, with stacks sharing the credential", () => {
  test("that another stack is creating is never taken: the create fails naming that stack", async () => {
    theirs = creating("Branch", { organization: "acme", database: "app", name: "race-1" });
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 503 }] });
    const error = await rejection(create(branch, { database: "app", name: "race-1" }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    const id = branchId("race-1");
    assert.match(error.message, new RegExp(`branch 'race-1' of acme/app \\(id ${id}\\)`));
    assert.match(error.message, /stack organization\/e2e\/pr-8 has a create of branch 'race-1' of acme\/app/);
    assert.match(error.message, /Nothing was deleted or taken over/);
    assert.doesNotMatch(error.message, /adopt/);
    assert.ok(id, "the branch is left where it is");
  });

  test("that another stack holds is never taken", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 503 }] });
    // Read when the provider asks, once the branch exists.
    ctx = contextForEmulator(emu, { "planetscale:maxRetries": "1" }, () => {
      const id = branchId("race-2");
      return new Map(id ? [[COLLEAGUE, holding("Branch", id)]] : []);
    });
    try {
      const error = await rejection(create(branch, { database: "app", name: "race-2" }));
      assert.ok(error instanceof ClaimedByStackError, String(error));
      assert.match(error.message, /stack organization\/e2e\/pr-8 holds it/);
    } finally {
      ctx = contextForEmulator(
        emu,
        { "planetscale:lateCreateWaitMs": "300", "planetscale:maxRetries": "1" },
        () => new Map([[COLLEAGUE, theirs]]),
      );
    }
  });

  test("is taken when only this stack's own pending create names it", async () => {
    theirs = creating("Branch", { organization: "acme", database: "app", name: "someone-else" });
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 503 }] });
    const created = await create(branch, { database: "app", name: "race-3" });
    assert.equal(created.id, branchId("race-3"));
  });

  test("when the backend cannot be read, nothing is taken and the error says how to check by hand", async () => {
    const blind = contextForEmulator(emu, { "planetscale:maxRetries": "1" });
    readStacksWith(blind, async () => {
      throw new Error("`pulumi stack ls --all --json` failed (exit 255): error: could not reach the backend");
    });
    emu.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "fail-after-acting", status: 503 }] });
    const error = await rejection(create(branch, { database: "app", name: "race-4" }, blind));
    assert.ok(error instanceof OwnershipUnprovenError, String(error));
    assert.match(error.message, /could not reach the backend/);
    assert.match(error.message, new RegExp(`pulumi stack ls --all.*id ${branchId("race-4")}`));
    assert.match(error.message, /Nothing was deleted or taken over/);
  });
});

describe("adopt: true", () => {
  test("never takes over a branch another stack holds, and takes one no stack holds", async () => {
    const made = await call(emu, "POST", BRANCHES, { body: { name: "adoptable" } });
    theirs = holding("Branch", made.body.id);
    const error = await rejection(create(branch, { database: "app", name: "adoptable", adopt: true }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /cannot adopt branch 'adoptable'.*stack organization\/e2e\/pr-8 holds it/);
    assert.match(error.message, /pulumi state delete/);
    theirs = { version: 3, deployment: {} };
    const adopted = await create(branch, { database: "app", name: "adoptable", adopt: true });
    assert.equal(adopted.id, made.body.id);
  });

  test("never takes over a branch another stack is creating", async () => {
    await call(emu, "POST", BRANCHES, { body: { name: "adopt-race" } });
    theirs = creating("Branch", { organization: "acme", database: "app", name: "adopt-race" });
    const error = await rejection(create(branch, { database: "app", name: "adopt-race", adopt: true }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /has a create of branch 'adopt-race'/);
  });
});

describe("a database found after an unknown outcome, with stacks sharing the credential", () => {
  test("that another stack is creating is never taken; with no other stack's claim it is", async () => {
    const DATABASES = "/organizations/acme/databases";
    theirs = creating("Database", { organization: "acme", name: "race-db" });
    emu.setFaults({ rules: [{ method: "POST", path: DATABASES, action: "fail-after-acting", status: 503 }] });
    const error = await rejection(create(database, { name: "race-db" }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /stack organization\/e2e\/pr-8 has a create of database 'race-db'/);
    assert.match(error.message, /Nothing was deleted or taken over/);
    assert.equal(named(emu.snapshot().databases, "race-db").length, 1, "the database is left where it is");
    theirs = { version: 3, deployment: {} };
    const created = await create(database, { name: "race-db-2" });
    assert.equal(created.id, named(emu.snapshot().databases, "race-db-2")[0]?.id);
  });
});

describe("adopt: true on a Database", () => {
  test("never takes over a database another stack holds or is creating, and takes one no stack does", async () => {
    const made = await call(emu, "POST", "/organizations/acme/databases", { body: { name: "shared-db" } });
    theirs = holding("Database", made.body.id);
    let error = await rejection(create(database, { name: "shared-db", adopt: true }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(
      error.message,
      /cannot adopt database 'shared-db' of acme.*stack organization\/e2e\/pr-8 holds it/,
    );
    assert.match(error.message, /pulumi state delete/);
    theirs = creating("Database", { organization: "acme", name: "shared-db" });
    error = await rejection(create(database, { name: "shared-db", adopt: true }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /has a create of database 'shared-db'/);
    theirs = { version: 3, deployment: {} };
    const adopted = await create(database, { name: "shared-db", adopt: true });
    assert.equal(adopted.id, made.body.id);
  });
});

describe("a token found after an unknown outcome, with stacks sharing the credential", () => {
  const inputs = (name: string) => ({ name, scopes: ["read_only"], ttl: "1h" });

  test("that another stack is creating is never deleted: the create fails naming that stack", async () => {
    theirs = creating("ApiToken", { organization: "acme", name: "race-tok" });
    emu.setFaults({ rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 500 }] });
    const error = await rejection(create(token, inputs("race-tok")));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /Stack organization\/e2e\/pr-8 .* token named 'race-tok'/);
    const left = named(emu.snapshot().serviceTokens, "race-tok");
    assert.equal(left.length, 1, "the token is not deleted");
    assert.ok(error.message.includes(left[0]?.id ?? "?"), "the error names it");
  });

  test("that another stack holds is never deleted; ours is made again", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: TOKENS, action: "fail-after-acting", status: 500 }] });
    const held = () => named(emu.snapshot().serviceTokens, "held-tok")[0]?.id;
    const holder = contextForEmulator(
      emu,
      { "planetscale:lateCreateWaitMs": "300", "planetscale:maxRetries": "1" },
      () => new Map(held() ? [[COLLEAGUE, holding("ApiToken", held() as string)]] : []),
    );
    const first = held;
    const created = await create(token, inputs("held-tok"), holder);
    const all = named(emu.snapshot().serviceTokens, "held-tok").map((t) => t.id);
    assert.equal(all.length, 2, "the held token is kept beside ours");
    assert.ok(all.includes(created.id));
    assert.ok(first() !== undefined);
  });
});

describe("a password or role whose create is applied late, or made by another stack", () => {
  test("a password create answered 504 and applied 1.5 s later leaves exactly one password", async () => {
    const patient = contextForEmulator(emu, { "planetscale:maxRetries": "1" });
    emu.setFaults({
      rules: [{ method: "POST", path: PASSWORDS, action: "apply-late", status: 504, delayMs: 1500 }],
    });
    const created = await create(password, { database: "app", branch: "main", name: "late-pw" }, patient);
    await emu.lateApplied();
    assert.deepEqual(
      named(emu.snapshot().passwords, "late-pw").map((p) => p.id),
      [created.id],
    );
    assert.match(
      patient.logs.join("\n"),
      /had been created \(id \w+\) but its plaintext was lost, so it was deleted/,
    );
  });

  test("a role create answered 504 and applied 4 s later leaves exactly one role", async () => {
    const patient = contextForEmulator(emu, { "planetscale:maxRetries": "1" });
    emu.setFaults({
      rules: [{ method: "POST", path: ROLES, action: "apply-late", status: 504, delayMs: 4000 }],
    });
    const created = await create(role, { database: "pg-app", branch: "main", name: "late-role" }, patient);
    await emu.lateApplied();
    assert.deepEqual(
      named(emu.snapshot().roles, "late-role").map((r) => r.id),
      [created.id],
    );
  });

  test("a password another stack is creating on the branch is never deleted", async () => {
    theirs = creating("BranchPassword", {
      organization: "acme",
      database: "app",
      branch: "main",
      name: "race-pw",
    });
    emu.setFaults({ rules: [{ method: "POST", path: PASSWORDS, action: "fail-after-acting", status: 500 }] });
    const error = await rejection(create(password, { database: "app", branch: "main", name: "race-pw" }));
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /Stack organization\/e2e\/pr-8 .* password named 'race-pw' on this branch/);
    assert.equal(named(emu.snapshot().passwords, "race-pw").length, 1, "nothing deleted");
  });
});
