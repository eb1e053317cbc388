// Level 1: the DeployRequest provider methods called directly against the emulator: check's
// refusals (bad inputs, Postgres, a target without safe migrations, and at preview a deploy that
// would drop data or that PlanetScale will not deploy), create and its lost answers, refresh,
// deploying with progress lines, the gated cut-over, approval, failures, and destroy.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Deployment } from "../../provider/internal/backend/stacks";
import { databaseResource as database } from "../../provider/internal/database/resource";
import { deployRequestResource as dr } from "../../provider/internal/deploy-request/resource";
import { PartialCreateError } from "../../provider/internal/dynamic/partial-create";
import { messageWithCauses } from "../../provider/internal/error-message";
import {
  AlreadyExistsError,
  ClaimedByStackError,
  DataLossRefusedError,
  DeployFailedError,
  DeployNotFinishedError,
  NotDeployableError,
} from "../../provider/internal/resource-errors";
import { branchesPath, call, makeToken, waitFor, waitReady } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, TEST_STACK } from "../support/provider-context";

const PROVIDER = "serialized-provider-text";
const D = "/organizations/acme/databases/app/deploy-requests";
type Props = Record<string, unknown>;

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
let branchCount = 0;

before(async () => {
  emu = await emulator({
    readyDelayMs: 60,
    revertWindowMs: 60_000,
    seed: {
      organizations: [
        {
          name: "acme",
          databases: [
            {
              name: "app",
              schema: ["CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL)"],
              branches: [{ name: "main", safeMigrations: true }],
            },
            { name: "unsafe" },
            {
              name: "gated",
              requireApprovalForDeploy: true,
              branches: [{ name: "main", safeMigrations: true }],
            },
            { name: "pg-app", kind: "postgresql" },
          ],
        },
      ],
    },
  });
  ctx = contextForEmulator(emu);
});
after(async () => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  emu.setReadyDelay(60);
  emu.clearRequests();
  ctx.logs.length = 0;
});

/** A ready development branch of `database` holding `ddl`; returns its name. */
async function branchWith(ddl: string[], database = "app"): Promise<string> {
  const name = `pr-${++branchCount}`;
  assert.equal((await call(emu, "POST", branchesPath(database), { body: { name } })).status, 201);
  await waitReady(emu, name, database);
  if (ddl.length > 0) emu.applySchema({ organization: "acme", database, branch: name }, ddl);
  return name;
}

/** check, then create, as the engine does. */
async function open(inputs: Props) {
  const checked = await dr.check(ctx, {}, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const created = await dr.create(ctx, checked.inputs as Props);
  return { checked: checked.inputs as Props, id: created.id, outs: created.outs as Props };
}

/** check (old inputs), diff and update (old outputs) to `news`, as the engine does. */
async function change(id: string, oldInputs: Props, olds: Props, news: Props) {
  const checked = await dr.check(ctx, oldInputs, { ...news, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], [], JSON.stringify(checked.failures));
  const diff = await dr.diff(ctx, id, olds, checked.inputs as Props);
  const updated = await dr.update(ctx, id, olds, checked.inputs as Props);
  const outs: Props = { ...(updated.outs as Props), __provider: PROVIDER };
  return { diff, outs };
}

/**
 * Ends the revert window of deploy request `number` once it is live: a deployment in its revert
 * window holds its database's deploy queue (60 s here), so every test that deploys frees it for
 * the next one instead of making it wait out the window.
 */
async function skipRevert(number: unknown, requests = D): Promise<void> {
  await waitFor(`deploy request #${number} to be live`, async () => {
    const request = await call(emu, "GET", `${requests}/${number}`);
    return request.body.deployment_state === "complete_pending_revert";
  });
  const skipped = await call(emu, "POST", `${requests}/${number}/skip-revert`, { body: {} });
  assert.equal(skipped.status, 200, skipped.text);
}

async function mainTables(database = "app"): Promise<string[]> {
  const schema = await call(emu, "GET", `${branchesPath(database)}/main/schema`);
  return schema.body.data.map((t: { name: string }) => t.name);
}

describe("check", () => {
  const invalid: Array<[string, Props, string, RegExp]> = [
    ["a typo in a key", { database: "app", branch: "x", into_branch: "main" }, "into_branch", /nrecognized/],
    ["no branch", { database: "app" }, "branch", /branch/],
    [
      "a bad branch name",
      { database: "app", branch: "PR_1" },
      "branch",
      /not a valid PlanetScale branch name.*'pr-1'/,
    ],
    [
      "the branch into itself",
      { database: "app", branch: "x", intoBranch: "x" },
      "intoBranch",
      /the branch itself/,
    ],
    ["a non-boolean deploy", { database: "app", branch: "x", deploy: "yes" }, "deploy", /true or false/],
    [
      "a bad deployTimeout",
      { database: "app", branch: "x", deployTimeout: "soon" },
      "deployTimeout",
      /between 1 s and 48 h/,
    ],
  ];
  for (const [title, inputs, property, reason] of invalid) {
    test(`refuses ${title}, naming ${property}, without calling the API`, async () => {
      const result = await dr.check(ctx, {}, inputs);
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, JSON.stringify(result.failures));
      assert.match(failure.reason, reason);
      assert.deepEqual(emu.requests(), []);
    });
  }

  test("refuses a Postgres database at preview, naming its kind", async () => {
    const result = await dr.check(ctx, {}, { database: "pg-app", branch: "main" });
    assert.equal(result.failures?.[0]?.property, "database");
    assert.match(
      result.failures?.[0]?.reason ?? "",
      /'pg-app' is a Postgres database.*MySQL \(Vitess\) databases only/,
    );
  });

  test("refuses a target branch without safe migrations, with the fix", async () => {
    const created = await call(emu, "POST", branchesPath("unsafe"), { body: { name: "feature" } });
    assert.equal(created.status, 201);
    await waitReady(emu, "feature", "unsafe");
    const result = await dr.check(ctx, {}, { database: "unsafe", branch: "feature" });
    assert.equal(result.failures?.[0]?.property, "intoBranch");
    assert.match(
      result.failures?.[0]?.reason ?? "",
      /'main' of acme\/unsafe has safe migrations off.*safeMigrations: true/,
    );
  });
});

describe("open, refresh, deploy, destroy", () => {
  test("create opens it (one POST), waits for PlanetScale's check, and reports its DDL", async () => {
    const branch = await branchWith(["CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL)"]);
    emu.clearRequests();
    const { id, outs } = await open({ database: "app", branch, notes: "orders" });
    const posts = emu.requests().filter((r) => r.method === "POST");
    assert.deepEqual(
      posts.map((r) => r.path),
      ["/v1/organizations/acme/databases/app/deploy-requests"],
    );
    assert.equal(outs["deployRequestId"], id);
    assert.equal(outs["intoBranch"], "main");
    assert.equal(outs["state"], "open");
    assert.equal(outs["deploymentState"], "ready");
    assert.equal(outs["deployable"], true);
    assert.equal(outs["canDropData"], false);
    assert.match(String((outs["ddl"] as string[])[0]), /^CREATE TABLE `orders`/);
    assert.match(String(outs["htmlUrl"]), /\/deploy-requests\/\d+$/);
    assert.deepEqual(await mainTables(), ["users"], "opening deploys nothing");
  });

  test("refresh sees later migrations; deploying them prints progress and waits until live", async () => {
    const branch = await branchWith([]);
    const first = await open({ database: "app", branch });
    assert.equal(first.outs["deploymentState"], "no_changes");
    emu.applySchema({ organization: "acme", database: "app", branch }, [
      "CREATE TABLE invoices (id bigint PRIMARY KEY)",
    ]);
    const refreshed = await dr.read(ctx, first.id, first.outs);
    const outs = refreshed.props as Props;
    assert.match(String((outs["ddl"] as string[])[0]), /CREATE TABLE `invoices`/);
    const { diff, outs: deployed } = await change(
      first.id,
      first.checked,
      { ...outs, __provider: PROVIDER },
      { ...first.checked, deploy: true },
    );
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    assert.equal(deployed["deploymentState"], "complete_pending_revert");
    assert.ok(typeof deployed["deployedAt"] === "string");
    assert.ok((await mainTables()).includes("invoices"));
    assert.ok(
      ctx.logs.some((l) =>
        /deploy request #\d+ \(pr-\d+ → main\) of acme\/app: deploying 1 operation/.test(l),
      ),
      ctx.logs.join("\n"),
    );
    assert.ok(
      ctx.logs.some((l) => /is live \(revertible/.test(l)),
      ctx.logs.join("\n"),
    );
    // Deployed: the next up changes nothing, and destroy leaves it alone (history stays).
    const again = await dr.diff(ctx, first.id, deployed, {
      ...first.checked,
      deploy: true,
      __provider: PROVIDER,
    });
    assert.equal(again.changes, false);
    await dr.delete(ctx, first.id, deployed);
    const kept = await call(emu, "GET", `${D}/${deployed["number"]}`);
    assert.equal(kept.body.deployment_state, "complete_pending_revert");
    assert.ok(ctx.logs.some((l) => /stays in PlanetScale as the history/.test(l)));
    await skipRevert(deployed["number"]);
  });

  test("preview of a deploy shows its DDL and refuses one that can drop data without allowDataLoss", async () => {
    const branch = await branchWith(["ALTER TABLE users DROP COLUMN email"]);
    const opened = await open({ database: "app", branch });
    assert.equal(opened.outs["canDropData"], true);
    emu.clearRequests();
    const refused = await dr.check(ctx, opened.checked, { ...opened.checked, deploy: true });
    assert.equal(refused.failures?.[0]?.property, "allowDataLoss");
    assert.match(refused.failures?.[0]?.reason ?? "", /DROP COLUMN `email`.*allowDataLoss: true/);
    assert.ok(
      ctx.logs.some((l) => /will deploy:\n {2}ALTER TABLE `users` DROP COLUMN `email`/.test(l)),
      ctx.logs.join("\n"),
    );
    assert.equal(emu.requests().filter((r) => r.method !== "GET").length, 0, "preview changes nothing");
    const allowed = await dr.check(ctx, opened.checked, {
      ...opened.checked,
      deploy: true,
      allowDataLoss: true,
    });
    assert.deepEqual(allowed.failures ?? [], []);
    // Closed by destroy: it was never deployed.
    await dr.delete(ctx, opened.id, opened.outs);
    assert.equal((await call(emu, "GET", `${D}/${opened.outs["number"]}`)).body.state, "closed");
  });

  test("opened and deployed at once: a data-dropping deploy stops before anything runs, recorded", async () => {
    const branch = await branchWith(["DROP TABLE users"]);
    const checked = await dr.check(
      ctx,
      {},
      {
        database: "app",
        branch,
        deploy: true,
        __provider: PROVIDER,
        __stack: TEST_STACK,
      },
    );
    await assert.rejects(dr.create(ctx, checked.inputs as Props), (error: unknown) => {
      assert.ok(error instanceof PartialCreateError);
      assert.ok(error.cause instanceof DataLossRefusedError, messageWithCauses(error));
      assert.match(messageWithCauses(error), /DROP TABLE `users`/);
      assert.equal(error.properties["deploymentState"], "ready");
      return true;
    });
    assert.ok((await mainTables()).includes("users"));
  });

  test("PlanetScale's lint errors fail the preview of a deploy, with the next step", async () => {
    const branch = await branchWith(["CREATE TABLE logs (line text)"]);
    const opened = await open({ database: "app", branch });
    assert.deepEqual(opened.outs["lintErrors"], [
      "NO_UNIQUE_KEY (logs): Table `logs` has no primary key or unique key: online schema changes need one to copy the table",
    ]);
    const refused = await dr.check(
      ctx,
      { ...opened.outs, __provider: PROVIDER },
      { ...opened.checked, deploy: true },
    );
    assert.equal(refused.failures?.[0]?.property, "deploy");
    assert.match(refused.failures?.[0]?.reason ?? "", /lint found an error.*pscale branch lint app pr-\d+/);
    // Forced through update (no preview): the same refusal, as NotDeployableError.
    await assert.rejects(
      dr.update(
        ctx,
        opened.id,
        { ...opened.outs, __provider: PROVIDER },
        { ...opened.checked, deploy: true },
      ),
      NotDeployableError,
    );
    await dr.delete(ctx, opened.id, opened.outs);
  });

  test("a database requiring approval: refused until someone else approves, then deployed", async () => {
    const branch = await branchWith(["CREATE TABLE approvals (id int PRIMARY KEY)"], "gated");
    const opened = await open({ database: "gated", branch });
    const olds = { ...opened.outs, __provider: PROVIDER };
    const refused = await dr.check(ctx, opened.checked, { ...opened.checked, deploy: true });
    assert.match(refused.failures?.[0]?.reason ?? "", /requires an approving review.*--approve/);
    const reviewer = await makeToken(emu, [{ access: ["approve_deploy_request"], database: "gated" }]);
    const G = "/organizations/acme/databases/gated/deploy-requests";
    const review = await call(emu, "POST", `${G}/${opened.outs["number"]}/reviews`, {
      cred: reviewer,
      body: { state: "approved", body: "" },
    });
    assert.equal(review.status, 201);
    const refreshed = (await dr.read(ctx, opened.id, olds)).props as Props;
    assert.equal(refreshed["approved"], true, "refresh notices the approval");
    const { outs } = await change(
      opened.id,
      opened.checked,
      { ...refreshed, __provider: PROVIDER },
      { ...opened.checked, deploy: true },
    );
    assert.equal(outs["deploymentState"], "complete_pending_revert");
    await skipRevert(outs["number"], G);
  });

  test("a Database's requireApprovalForDeploy is what makes its deploy requests need an approval", async () => {
    // The database declared as code, its setting changed in place by the Database resource.
    const declare = async (olds: Props, requireApprovalForDeploy: boolean) => {
      const inputs = {
        name: "declared",
        requireApprovalForDeploy,
        __provider: PROVIDER,
        __stack: TEST_STACK,
      };
      const checked = await database.check(ctx, olds, inputs);
      assert.deepEqual(checked.failures ?? [], []);
      return checked.inputs as Props;
    };
    const made = await declare({}, true);
    const created = await database.create(ctx, made);
    const DD = "/organizations/acme/databases/declared";
    assert.equal((await call(emu, "GET", DD)).body.require_approval_for_deploy, true);
    const safe = await call(emu, "POST", `${DD}/branches/main/safe-migrations`);
    assert.equal(safe.status, 200, safe.text);
    const branch = await branchWith(["CREATE TABLE declared_t (id int PRIMARY KEY)"], "declared");
    const opened = await open({ database: "declared", branch });
    const refused = await dr.check(ctx, opened.checked, { ...opened.checked, deploy: true });
    assert.match(refused.failures?.[0]?.reason ?? "", /requires an approving review/);
    const queued = await call(emu, "POST", `${DD}/deploy-requests/${opened.outs["number"]}/deploy`, {
      body: {},
    });
    assert.equal(queued.status, 422, "PlanetScale refuses it too");

    const off = await declare(made, false);
    await database.update(ctx, created.id, { ...(created.outs as Props), ...made }, off);
    assert.equal((await call(emu, "GET", DD)).body.require_approval_for_deploy, false);
    const allowed = await dr.check(ctx, opened.checked, { ...opened.checked, deploy: true });
    assert.deepEqual(allowed.failures ?? [], []);
    await dr.delete(ctx, opened.id, opened.outs);
  });

  test("autoCutover false: the deploy waits for its cut-over and says how to apply it", async () => {
    const branch = await branchWith(["CREATE TABLE gated_cut (id int PRIMARY KEY)"]);
    const { outs } = await open({ database: "app", branch, autoCutover: false, deploy: true });
    assert.equal(outs["deploymentState"], "pending_cutover");
    assert.equal(outs["autoCutover"], false);
    assert.ok(
      ctx.logs.some((l) => /waits for its cut-over.*pscale deploy-request apply app \d+/.test(l)),
      ctx.logs.join("\n"),
    );
    const applied = await call(emu, "POST", `${D}/${outs["number"]}/apply-deploy`, { body: {} });
    assert.equal(applied.status, 200);
    await skipRevert(outs["number"]);
  });

  test("a deployment that fails ends the up with PlanetScale's reason", async () => {
    const a = await branchWith(["CREATE TABLE clash (id int PRIMARY KEY)"]);
    const b = await branchWith(["CREATE TABLE clash (id bigint PRIMARY KEY)"]);
    const first = await open({ database: "app", branch: a });
    const second = await open({ database: "app", branch: b });
    // Both queued before either is live: the second's table changes under it.
    await call(emu, "POST", `${D}/${first.outs["number"]}/deploy`, { body: {} });
    await call(emu, "POST", `${D}/${second.outs["number"]}/deploy`, { body: {} });
    const live = await dr.update(
      ctx,
      first.id,
      { ...first.outs, __provider: PROVIDER },
      { ...first.checked, deploy: true },
    );
    await skipRevert((live.outs as Props)["number"]);
    await assert.rejects(
      dr.update(
        ctx,
        second.id,
        { ...second.outs, __provider: PROVIDER },
        { ...second.checked, deploy: true },
      ),
      (error: unknown) => {
        assert.ok(error instanceof DeployFailedError, String(error));
        assert.match(
          error.message,
          /complete_error \(Table `clash` of main changed after this deploy request was queued\)/,
        );
        return true;
      },
    );
  });

  test("past deployTimeout the up fails, recorded; the next up keeps waiting until it is live", async () => {
    const branch = await branchWith(["CREATE TABLE slow (id int PRIMARY KEY)"]);
    // Each phase of this deploy request takes 1.5 s: more than the 1 s the first up waits.
    emu.setReadyDelay(1500);
    const checked = await dr.check(
      ctx,
      {},
      { database: "app", branch, deploy: true, deployTimeout: 1, __provider: PROVIDER, __stack: TEST_STACK },
    );
    const stopped = await dr.create(ctx, checked.inputs as Props).catch((e: unknown) => e);
    assert.ok(
      stopped instanceof PartialCreateError && stopped.cause instanceof DeployNotFinishedError,
      String(stopped),
    );
    assert.match(
      messageWithCauses(stopped),
      /after 1 s.*Run `pulumi up` again to keep waiting, or raise `deployTimeout`/,
    );
    const recorded = { ...stopped.properties };
    const news = { ...(checked.inputs as Props), deployTimeout: "1m" };
    const diff = await dr.diff(ctx, stopped.id, recorded, news);
    assert.deepEqual([diff.changes, diff.replaces], [true, []], "the next up deploys in place");
    const updated = await dr.update(ctx, stopped.id, recorded, news);
    assert.equal((updated.outs as Props)["deploymentState"], "complete_pending_revert");
    await skipRevert((updated.outs as Props)["number"]);
  });

  test("refresh drops a request closed outside Pulumi; destroy of a gone one succeeds", async () => {
    const branch = await branchWith([]);
    const opened = await open({ database: "app", branch });
    await call(emu, "PATCH", `${D}/${opened.outs["number"]}`, { body: { state: "closed" } });
    assert.deepEqual(await dr.read(ctx, opened.id, opened.outs), {});
    assert.ok(ctx.logs.some((l) => /closed outside Pulumi without being deployed/.test(l)));
    await dr.delete(ctx, opened.id, opened.outs);
  });
});

describe("ownership", () => {
  test("a lost answer: the request it opened is found and taken, one request open", async () => {
    const branch = await branchWith(["CREATE TABLE lost (id int PRIMARY KEY)"]);
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/databases/app/deploy-requests",
          action: "fail-after-acting",
        },
      ],
    });
    const { outs } = await open({ database: "app", branch });
    const open_ = await call(emu, "GET", `${D}?branch=${branch}&state=open`);
    assert.deepEqual(
      open_.body.data.map((r: { number: number }) => r.number),
      [outs["number"]],
    );
    assert.ok(ctx.logs.some((l) => /the outcome is unknown/.test(l)));
    await dr.delete(ctx, String(outs["deployRequestId"]), outs);
  });

  test("a lost answer: a request another stack of the backend is opening for the branch is not taken", async () => {
    const branch = await branchWith(["CREATE TABLE raced (id int PRIMARY KEY)"]);
    const type = "pulumi-nodejs:dynamic/planetscale:DeployRequest";
    const resource = {
      urn: `urn:pulumi:pr-8::e2e::${type}::x`,
      type,
      inputs: { organization: "acme", database: "app", branch },
    };
    const theirs: Deployment = {
      version: 3,
      deployment: { pending_operations: [{ type: "creating", resource }] },
    };
    const shared = contextForEmulator(emu, {}, () => new Map([["organization/e2e/pr-8", theirs]]));
    emu.setFaults({ rules: [{ method: "POST", path: D, action: "fail-after-acting" }] });
    const checked = await dr.check(
      shared,
      {},
      { database: "app", branch, __provider: PROVIDER, __stack: TEST_STACK },
    );
    const error = await dr.create(shared, checked.inputs as Props).catch((e: unknown) => e);
    assert.ok(error instanceof ClaimedByStackError, String(error));
    assert.match(error.message, /stack organization\/e2e\/pr-8 has a create of deploy request of branch/);
    assert.match(error.message, /Nothing was taken over or closed/);
    const open_ = await call(emu, "GET", `${D}?branch=${branch}&state=open`);
    assert.equal(open_.body.data.length, 1, "left open, for the stack that opened it");
  });

  test("a request that never reached PlanetScale is sent again", async () => {
    const branch = await branchWith([]);
    emu.setFaults({
      rules: [{ method: "POST", path: "/organizations/acme/databases/app/deploy-requests", action: "drop" }],
    });
    const { outs } = await open({ database: "app", branch });
    assert.equal(outs["state"], "open");
    await dr.delete(ctx, String(outs["deployRequestId"]), outs);
  });

  test("someone else's open request of the branch is not taken: the error names it and the fix", async () => {
    const branch = await branchWith([]);
    const other = await makeToken(emu, [
      { access: ["create_deploy_request", "read_deploy_request"], database: "app" },
    ]);
    const theirs = await call(emu, "POST", D, { cred: other, body: { branch } });
    assert.equal(theirs.status, 201);
    const checked = await dr.check(
      ctx,
      {},
      { database: "app", branch, __provider: PROVIDER, __stack: TEST_STACK },
    );
    await assert.rejects(dr.create(ctx, checked.inputs as Props), (error: unknown) => {
      assert.ok(error instanceof AlreadyExistsError, String(error));
      assert.match(
        error.message,
        new RegExp(`#${theirs.body.number}.*pscale deploy-request close app ${theirs.body.number}`),
      );
      return true;
    });
    assert.equal((await call(emu, "GET", `${D}/${theirs.body.number}`)).body.state, "open", "untouched");
  });
});
