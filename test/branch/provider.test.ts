// Level 1: the Branch provider methods called directly against the emulator on loopback.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import { PartialCreateError } from "../../provider/internal/dynamic/partial-create";
import { messageWithCauses } from "../../provider/internal/error-message";
import {
  AlreadyExistsError,
  BranchNotFoundError,
  DeletionProtectedError,
  HasChildBranchesError,
  OwnershipUnprovenError,
} from "../../provider/internal/resource-errors";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, TEST_STACK, UNKNOWN } from "../support/provider-context";

const PROVIDER = "serialized-provider-text";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
before(async () => {
  emu = await emulator();
  ctx = contextForEmulator(emu);
});
after(async () => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  emu.clearRequests();
});

/** check, then create, as the engine does. */
async function createBranch(inputs: Record<string, unknown>) {
  const checked = await branch.check(ctx, {}, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const created = await branch.create(ctx, checked.inputs as Record<string, unknown>);
  return {
    checked: checked.inputs as Record<string, unknown>,
    ...created,
    outs: created.outs as Record<string, unknown>,
  };
}

describe("check", () => {
  const invalid: Array<[string, Record<string, unknown>, string, RegExp]> = [
    [
      "uppercase name",
      { database: "app", name: "PR_12" },
      "name",
      /lowercase letters, digits and hyphens.*'pr-12'/,
    ],
    ["name too long", { database: "app", name: "a".repeat(64) }, "name", /at most 63/],
    ["trailing hyphen", { database: "app", name: "pr-" }, "name", /not a valid PlanetScale branch name/],
    ["missing database", { name: "pr-1" }, "database", /database is required/],
    ["bad database", { database: "App DB" }, "database", /lowercase slug/],
    [
      "bad parent",
      { database: "app", parentBranch: "Main" },
      "parentBranch",
      /not a valid PlanetScale branch name/,
    ],
    ["bad seedData", { database: "app", seedData: "yesterday" }, "seedData", /last_successful_backup/],
    [
      "backup with seed",
      { database: "app", backupId: "abc", seedData: "last_successful_backup" },
      "seedData",
      /cannot be combined with backupId/,
    ],
    ["bad cluster size", { database: "app", clusterSize: "big" }, "clusterSize", /PS_10/],
    [
      "non-boolean protection",
      { database: "app", deletionProtected: "yes" },
      "deletionProtected",
      /true or false/,
    ],
    ["bad timeout", { database: "app", readyTimeout: "soon" }, "readyTimeout", /duration/],
    [
      "an object readyTimeout",
      { database: "app", readyTimeout: { minutes: 5 } },
      "readyTimeout",
      /readyTimeout must be a duration between 1 s and 24 h/,
    ],
    [
      "a non-string namePrefix",
      { database: "app", namePrefix: 42 },
      "namePrefix",
      /namePrefix must be a string/,
    ],
    [
      "a namePrefix with an ANSI escape",
      { database: "app", namePrefix: "pr\u001b[31m" },
      "namePrefix",
      /ESC, as in an ANSI escape sequence/,
    ],
    [
      "a name with an ANSI escape (not echoed raw)",
      { database: "app", name: "pr\u001b[2J" },
      "name",
      /'pr\\u001b\[2J' is not a valid PlanetScale branch name.*'pr-2j'/,
    ],
    [
      "a non-string region",
      { database: "app", region: 7 },
      "region",
      /region must be a string, for example 'us-east'/,
    ],
    [
      "typo in a key",
      { database: "app", parent_branch: "main" },
      "parent_branch",
      /unrecognized|Unrecognized/i,
    ],
  ];
  for (const [title, inputs, property, reason] of invalid) {
    test(`refuses ${title}, naming ${property}, without calling the API`, async () => {
      const result = await branch.check(ctx, {}, inputs);
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `expected a failure for ${property}, got ${JSON.stringify(result.failures)}`);
      assert.match(failure?.reason ?? "", reason);
      assert.equal(emu.requests().length, 0);
    });
  }

  test("accepts unknown values during preview and validates the known ones", async () => {
    const result = await branch.check(ctx, {}, { database: UNKNOWN, name: UNKNOWN, parentBranch: "main" });
    assert.deepEqual(result.failures ?? [], []);
    assert.equal((result.inputs as Record<string, unknown>)["name"], UNKNOWN);
  });

  test("leaves the generated name unknown while namePrefix is unknown", async () => {
    const result = await branch.check(ctx, {}, { database: "app", namePrefix: UNKNOWN });
    assert.deepEqual(result.failures ?? [], []);
    assert.equal((result.inputs as Record<string, unknown>)["name"], UNKNOWN);
  });

  test("fills the organization from config, and says how to set it when missing", async () => {
    const ok = await branch.check(ctx, {}, { database: "app", name: "x1" });
    assert.equal((ok.inputs as Record<string, unknown>)["organization"], "acme");
    const saved = process.env["PLANETSCALE_ORG"];
    delete process.env["PLANETSCALE_ORG"];
    const noOrg = contextForEmulator(emu, { "planetscale:organization": "" });
    const missing = await branch.check(noOrg, {}, { database: "app", name: "x1" });
    if (saved !== undefined) process.env["PLANETSCALE_ORG"] = saved;
    assert.match(missing.failures?.[0]?.reason ?? "", /pulumi config set planetscale:organization/);
  });

  test("auto-names from the prefix with a random suffix, stable across checks", async () => {
    const first = (await branch.check(ctx, {}, { database: "app", namePrefix: "Preview_Env" }))
      .inputs as Record<string, unknown>;
    assert.match(String(first["name"]), /^preview-env-[a-z0-9]{7}$/);
    const again = (await branch.check(ctx, first, { database: "app", namePrefix: "Preview_Env" }))
      .inputs as Record<string, unknown>;
    assert.equal(again["name"], first["name"]);
  });
});

describe("diff", () => {
  const olds = {
    organization: "acme",
    database: "app",
    name: "pr-1",
    parentBranch: "main",
    region: "us-east",
    clusterSize: "PS_DEV",
    deletionProtected: false,
    safeMigrations: false,
  };
  const cases: Array<
    [
      string,
      Record<string, unknown>,
      { changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean },
      Record<string, unknown>?,
    ]
  > = [
    ["nothing", { organization: "acme", database: "app", name: "pr-1" }, { changes: false, replaces: [] }],
    [
      "server defaults left unset",
      { organization: "acme", database: "app", name: "pr-1" },
      { changes: false, replaces: [] },
    ],
    [
      "same explicit region",
      { organization: "acme", database: "app", name: "pr-1", region: "us-east" },
      { changes: false, replaces: [] },
    ],
    ["rename", { organization: "acme", database: "app", name: "pr-2" }, { changes: true, replaces: [] }],
    [
      "protection",
      { organization: "acme", database: "app", name: "pr-1", deletionProtected: true },
      { changes: true, replaces: [] },
    ],
    [
      "protection removed from the program: back to the default (off)",
      { organization: "acme", database: "app", name: "pr-1" },
      { changes: true, replaces: [] },
      { deletionProtected: true },
    ],
    [
      "safe migrations removed from the program: back to the default (off)",
      { organization: "acme", database: "app", name: "pr-1" },
      { changes: true, replaces: [] },
      { safeMigrations: true },
    ],
    [
      "protection explicitly false on an unprotected branch",
      { organization: "acme", database: "app", name: "pr-1", deletionProtected: false },
      { changes: false, replaces: [] },
    ],
    [
      "parent",
      { organization: "acme", database: "app", name: "pr-1", parentBranch: "dev" },
      { changes: true, replaces: ["parentBranch"], deleteBeforeReplace: true },
    ],
    [
      "database",
      { organization: "acme", database: "other", name: "pr-1" },
      { changes: true, replaces: ["database"], deleteBeforeReplace: true },
    ],
    [
      "parent and name",
      { organization: "acme", database: "app", name: "pr-9", parentBranch: "dev" },
      { changes: true, replaces: ["parentBranch"], deleteBeforeReplace: false },
    ],
    [
      "cluster size: resized in place, not replaced",
      { organization: "acme", database: "app", name: "pr-1", clusterSize: "PS_20" },
      { changes: true, replaces: [] },
    ],
    [
      "same cluster size spelt with a hyphen",
      { organization: "acme", database: "app", name: "pr-1", clusterSize: "PS-DEV" },
      { changes: false, replaces: [] },
    ],
    [
      "unknown region",
      { organization: "acme", database: "app", name: "pr-1", region: UNKNOWN },
      { changes: true, replaces: ["region"], deleteBeforeReplace: true },
    ],
  ];
  for (const [title, news, expected, oldOverrides] of cases) {
    test(title, async () => {
      const result = await branch.diff(ctx, "id", { ...olds, ...oldOverrides }, news);
      assert.equal(result.changes, expected.changes);
      assert.deepEqual(result.replaces, expected.replaces);
      if (expected.deleteBeforeReplace !== undefined)
        assert.equal(result.deleteBeforeReplace, expected.deleteBeforeReplace);
    });
  }
});

describe("create", () => {
  test("creates the branch, waits until ready, and returns every output", async () => {
    const { id, outs } = await createBranch({ database: "app", name: "feature-a", safeMigrations: true });
    assert.match(id, /^[a-z0-9]{12}$/);
    assert.equal(outs["branchId"], id);
    assert.equal(outs["state"], "ready");
    assert.equal(outs["ready"], true);
    assert.equal(outs["parentBranch"], "main");
    assert.equal(outs["production"], false);
    assert.equal(outs["safeMigrations"], true);
    assert.equal(outs["organization"], "acme");
    assert.match(String(outs["htmlUrl"]), /feature-a/);
    assert.ok(outs["createdAt"]);
    assert.ok(outs["region"]);
    assert.ok((await branchNames(emu)).includes("feature-a"));
  });

  test("sends one POST and then only readiness polls, the first no sooner than 0.3 s after it", async () => {
    emu.setReadyDelay(100);
    emu.clearRequests();
    await createBranch({ database: "app", name: "lean-1" });
    const requests = emu.requests().map((r) => ({ ...r, time: Date.parse(r.at) }));
    const what = requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      what[0],
      "POST /v1/organizations/acme/databases/app/branches",
      "no read of the parent first",
    );
    assert.ok(
      what
        .slice(1)
        .every((w) => /^GET \/v1\/organizations\/acme\/databases\/app\/branches\/[a-z0-9]{12}$/.test(w)),
      what.join(", "),
    );
    assert.equal(requests.length, 2, "ready after 0.1 s: the first poll, 0.3 s after the POST, sees it");
    assert.ok((requests[1]?.time ?? 0) - (requests[0]?.time ?? 0) >= 290, "no poll right after the POST");
  });

  test("waits for a pending parent before creating the child", async () => {
    emu.setReadyDelay(800);
    const parent = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: {
        name: "parent-p",
        parent_branch: "main",
      },
    });
    assert.equal(parent.status, 201);
    const { outs } = await createBranch({ database: "app", name: "child-p", parentBranch: "parent-p" });
    emu.setReadyDelay(100);
    assert.equal(outs["parentBranch"], "parent-p");
  });

  test("an unknown outcome (the server acted, then failed) creates exactly one branch", async () => {
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/databases/app/branches",
          action: "fail-after-acting",
          status: 500,
        },
      ],
    });
    const { outs } = await createBranch({ database: "app", name: "flaky-1" });
    assert.equal(outs["name"], "flaky-1");
    assert.equal((await branchNames(emu)).filter((n) => n === "flaky-1").length, 1);
    assert.match(ctx.logs.join("\n"), /outcome is unknown/);
  });

  test("a dropped connection after acting also creates exactly one branch", async () => {
    emu.setFaults({
      rules: [
        { method: "POST", path: "/organizations/acme/databases/app/branches", action: "fail-after-acting" },
      ],
    });
    await createBranch({ database: "app", name: "flaky-2" });
    assert.equal((await branchNames(emu)).filter((n) => n === "flaky-2").length, 1);
  });

  test("a readiness timeout is a partial create that carries the id and the provider", async () => {
    emu.setReadyDelay(60_000);
    try {
      await assert.rejects(
        createBranch({ database: "app", name: "slow-1", readyTimeout: 1 }),
        (error: unknown) => {
          if (!(error instanceof PartialCreateError)) throw error;
          assert.match(error.id, /^[a-z0-9]{12}$/);
          assert.equal(error.properties["__provider"], PROVIDER);
          assert.equal(error.properties["state"], "pending");
          assert.match(error.message, /was created .* did not finish/);
          // Why it did not finish is the cause, shown by the runtime below the message.
          assert.match(
            messageWithCauses(error),
            /did not finish[\s\S]*\n {2}caused by: branch slow-1 is still pending after/,
          );
          return true;
        },
      );
    } finally {
      emu.setReadyDelay(100);
    }
  });

  test("an existing name is refused with a hint to adopt, and adopt takes it over", async () => {
    // Someone else's branch: created outside this run.
    const existing = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: {
        name: "taken-1",
      },
    });
    assert.equal(existing.status, 201);
    await assert.rejects(createBranch({ database: "app", name: "taken-1" }), (error: unknown) => {
      assert.ok(error instanceof AlreadyExistsError && error instanceof OwnershipUnprovenError);
      assert.equal(error.code, "PLANETSCALE_ALREADY_EXISTS");
      assert.match(error.message, /already exists in acme\/app.*`adopt: true`/);
      assert.equal((error.cause as { status?: number }).status, 422, "PlanetScale's refusal is the cause");
      return true;
    });
    const adopted = await createBranch({
      database: "app",
      name: "taken-1",
      adopt: true,
      deletionProtected: true,
    });
    assert.equal(adopted.outs["deletionProtected"], true);
    assert.equal((await branchNames(emu)).filter((n) => n === "taken-1").length, 1);
  });

  test("a missing parent gives a clear error", async () => {
    await assert.rejects(
      createBranch({ database: "app", name: "orphan-1", parentBranch: "nope" }),
      (error: unknown) =>
        error instanceof BranchNotFoundError &&
        error.code === "PLANETSCALE_BRANCH_NOT_FOUND" &&
        /parentBranch 'nope' does not exist/.test(error.message),
    );
  });
});

describe("read, update, delete", () => {
  test("read returns the same outputs as create and the inputs, so refresh shows no diff", async () => {
    const { id, outs, checked } = await createBranch({ database: "app", name: "read-1" });
    const result = await branch.read(ctx, id, { ...outs, __provider: PROVIDER });
    assert.equal(result.id, id);
    assert.deepEqual(result.props, outs);
    const inputs = result.inputs as Record<string, unknown>;
    for (const key of ["organization", "database", "name"]) assert.equal(inputs[key], checked[key]);
    const diff = await branch.diff(ctx, id, result.props as Record<string, unknown>, checked);
    assert.equal(diff.changes, false);
  });

  test("a branch deleted out of band reads as gone once the credential is confirmed", async () => {
    const { id, outs } = await createBranch({ database: "app", name: "gone-1" });
    assert.equal(
      (await call(emu, "DELETE", `/organizations/acme/databases/app/branches/gone-1`)).status,
      204,
    );
    const result = await branch.read(ctx, id, outs);
    assert.equal(result.id, undefined);
  });

  test("a 404 caused by a credential that lost access is an error, not a silent removal", async () => {
    const { id, outs } = await createBranch({ database: "app", name: "hidden-1" });
    const token = await call(emu, "POST", "/organizations/acme/service-tokens", {
      body: { name: "no-access" },
    });
    const limited = contextForEmulator(emu, {
      "planetscale:serviceTokenId": token.body.id,
      "planetscale:serviceToken": token.body.token,
    });
    await assert.rejects(
      branch.read(limited, id, outs),
      (e: Error & { code?: string }) => e.code === "PLANETSCALE_PERMISSION_DENIED",
    );
    await call(emu, "DELETE", `/organizations/acme/service-tokens/${token.body.id}`);
    await assert.rejects(branch.read(limited, id, outs), (e: Error & { code?: string }) =>
      ["PLANETSCALE_PERMISSION_DENIED", "PLANETSCALE_UNAUTHORIZED"].includes(String(e.code)),
    );
  });

  test("rename happens in place by id; protection and safe migrations toggle in place", async () => {
    const { id, outs, checked } = await createBranch({ database: "app", name: "rename-1" });
    const renamed = await branch.update(ctx, id, outs, { ...checked, name: "rename-2" });
    const renamedOuts = renamed.outs as Record<string, unknown>;
    assert.equal(renamedOuts["branchId"], id);
    assert.equal(renamedOuts["name"], "rename-2");
    const protectedOuts = (
      await branch.update(ctx, id, renamedOuts, {
        ...checked,
        name: "rename-2",
        deletionProtected: true,
        safeMigrations: true,
      })
    ).outs as Record<string, unknown>;
    assert.equal(protectedOuts["deletionProtected"], true);
    assert.equal(protectedOuts["safeMigrations"], true);
    const names = await branchNames(emu);
    assert.ok(names.includes("rename-2") && !names.includes("rename-1"));
  });

  test("a new clusterSize resizes the same branch in place and waits until PlanetScale reports it", async () => {
    const { id, outs, checked } = await createBranch({
      database: "app",
      name: "size-1",
      clusterSize: "PS_10",
    });
    assert.equal(outs["clusterSize"], "PS_10");
    const diff = await branch.diff(ctx, id, outs, { ...checked, clusterSize: "PS_20" });
    assert.deepEqual([diff.changes, diff.replaces], [true, []]);
    emu.clearRequests();
    const resized = (await branch.update(ctx, id, outs, { ...checked, clusterSize: "PS_20" })).outs as Record<
      string,
      unknown
    >;
    assert.equal(resized["branchId"], id, "the same branch");
    assert.equal(resized["clusterSize"], "PS_20", "update returns once the new size is reported");
    const calls = emu.requests().map((r) => `${r.method} ${r.path.replace(/^.*\/branches/, "…")}`);
    assert.ok(calls.includes(`PATCH …/${id}/cluster`), calls.join(", "));
    assert.ok(!calls.some((c) => c.startsWith("DELETE") || c === "POST …"), "no delete, no new branch");
    const fromApi = await call(emu, "GET", "/organizations/acme/databases/app/branches/size-1");
    assert.equal(fromApi.body.cluster_name, "PS_20");
  });

  test("a cluster size change that outlasts readyTimeout fails naming both sizes; a later update proceeds", async () => {
    const { id, outs, checked } = await createBranch({
      database: "app",
      name: "size-2",
      clusterSize: "PS_10",
    });
    emu.setReadyDelay(60_000);
    try {
      await assert.rejects(
        branch.update(ctx, id, outs, { ...checked, clusterSize: "PS_40", readyTimeout: 1 }),
        /cluster size change of branch size-2 to PS_40 is still at PS_10/,
      );
    } finally {
      emu.setReadyDelay(100);
    }
    // The old outputs still say PS_10, so the next `pulumi up` updates again; here with another size,
    // which PlanetScale applies from the size the branch has now.
    const retried = (await branch.update(ctx, id, outs, { ...checked, clusterSize: "PS_80" })).outs as Record<
      string,
      unknown
    >;
    assert.equal(retried["clusterSize"], "PS_80");
    assert.equal(retried["branchId"], id);
  });

  test("removing deletionProtected and safeMigrations from the program turns them off in place", async () => {
    const { id, checked } = await createBranch({
      database: "app",
      name: "defaults-1",
      deletionProtected: true,
      safeMigrations: true,
    });
    const current = (await call(emu, "GET", "/organizations/acme/databases/app/branches/defaults-1")).body;
    assert.equal(current.deletion_protected, true);
    assert.equal(current.safe_migrations, true);
    const { deletionProtected: _p, safeMigrations: _s, ...without } = checked;
    const olds = (await branch.read(ctx, id, checked)).props as Record<string, unknown>;
    assert.equal((await branch.diff(ctx, id, olds, without)).changes, true);
    const updated = (await branch.update(ctx, id, olds, without)).outs as Record<string, unknown>;
    assert.equal(updated["deletionProtected"], false);
    assert.equal(updated["safeMigrations"], false);
    const after = (await call(emu, "GET", "/organizations/acme/databases/app/branches/defaults-1")).body;
    assert.equal(after.deletion_protected, false);
    assert.equal(after.safe_migrations, false);
    assert.equal((await branch.diff(ctx, id, updated, without)).changes, false);
    await branch.delete(ctx, id, updated);
    assert.ok(!(await branchNames(emu)).includes("defaults-1"));
  });

  test("deleting a protected branch explains how to proceed", async () => {
    const { id, outs } = await createBranch({ database: "app", name: "guarded-1", deletionProtected: true });
    await assert.rejects(branch.delete(ctx, id, outs), (error: unknown) => {
      assert.ok(error instanceof DeletionProtectedError);
      assert.equal(error.code, "PLANETSCALE_DELETION_PROTECTED");
      assert.match(error.message, /deletionProtected: false.*pulumi up.*pulumi destroy/s);
      return true;
    });
    assert.ok((await branchNames(emu)).includes("guarded-1"));
  });

  test("children block deletion unless deleteDescendants is set", async () => {
    const parent = await createBranch({ database: "app", name: "tree-1" });
    await createBranch({ database: "app", name: "tree-1-child", parentBranch: "tree-1" });
    await assert.rejects(
      branch.delete(ctx, parent.id, parent.outs),
      (error: unknown) => error instanceof HasChildBranchesError && /deleteDescendants/.test(error.message),
    );
    await branch.delete(ctx, parent.id, { ...parent.outs, deleteDescendants: true });
    const names = await branchNames(emu);
    assert.ok(!names.includes("tree-1") && !names.includes("tree-1-child"));
  });

  test("deleting a branch that is already gone succeeds", async () => {
    const { id, outs } = await createBranch({ database: "app", name: "twice-1" });
    await branch.delete(ctx, id, outs);
    await branch.delete(ctx, id, outs);
    assert.ok(!(await branchNames(emu)).includes("twice-1"));
  });
});
