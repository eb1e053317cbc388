/**
 * Deploy requests in the emulator: opening one (and what PlanetScale refuses), its deployment
 * moving on in time from its check through the queue, the copy and the cut-over to the revert
 * window, production's schema changing at the cut-over, and the cancel, revert, gated cut-over,
 * approval, conflict and queue paths. Every answer is checked against the spec.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { type ApiResponse, branchesPath, call, makeToken, waitFor, waitReady } from "../support/api";
import { emulator } from "../support/emulator";
import { assertMatchesSpec, specAvailable } from "../support/openapi";

const P = branchesPath();
const D = "/organizations/acme/databases/app/deploy-requests";
const strict = { noAdditionalProperties: true };

function matches(operationId: string, res: ApiResponse, status: number): void {
  assert.equal(res.status, status, `${operationId}: ${res.text}`);
  if (specAvailable) assertMatchesSpec(operationId, status, res.body, strict);
}

describe("deploy requests", () => {
  let emu: Emulator;
  let branchCount = 0;

  before(async () => {
    emu = await emulator({
      readyDelayMs: 80,
      revertWindowMs: 60_000,
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              {
                name: "app",
                schema: ["CREATE TABLE users (id bigint PRIMARY KEY, email varchar(255) NOT NULL)"],
                branches: [
                  { name: "main", safeMigrations: true },
                  { name: "unsafe", production: true },
                ],
              },
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
  });
  after(() => emu.stop());
  beforeEach(() => emu.setReadyDelay(80));

  /** A ready development branch of `database` with `ddl` applied; returns its name. */
  async function branchWith(ddl: string[], database = "app"): Promise<string> {
    const name = `feat-${++branchCount}`;
    const created = await call(emu, "POST", branchesPath(database), { body: { name } });
    assert.equal(created.status, 201, created.text);
    await waitReady(emu, name, database);
    if (ddl.length > 0) emu.applySchema({ organization: "acme", database, branch: name }, ddl);
    return name;
  }

  /** Polls the deploy request until `done`; returns it. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  async function until(number: number, done: (dr: any) => boolean, database = "app"): Promise<any> {
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
    let last: any;
    await waitFor(
      `deploy request #${number} to reach the expected state`,
      async () => {
        last = (await call(emu, "GET", `/organizations/acme/databases/${database}/deploy-requests/${number}`))
          .body;
        return done(last);
      },
      { timeoutMs: 15_000 },
    );
    return last;
  }

  async function open(branch: string, body: Record<string, unknown> = {}, database = "app") {
    return call(emu, "POST", `/organizations/acme/databases/${database}/deploy-requests`, {
      body: { branch, ...body },
    });
  }

  /** The `CREATE TABLE` of `table` in `branch`, as get_branch_schema reports it. */
  async function rawOf(branch: string, table: string): Promise<string | undefined> {
    const data = (await call(emu, "GET", `${P}/${branch}/schema`)).body.data as Array<{
      name: string;
      raw: string;
    }>;
    return data.find((t) => t.name === table)?.raw;
  }

  async function tables(branch: string): Promise<string[]> {
    return (await call(emu, "GET", `${P}/${branch}/schema`)).body.data.map((t: { name: string }) => t.name);
  }

  test("opening one: 201 pending, into the branch's parent; checked, it is ready with its operations", async () => {
    const branch = await branchWith(["CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL)"]);
    const created = await open(branch, { notes: "orders" });
    matches("create_deploy_request", created, 201);
    assert.deepEqual(
      [created.body.state, created.body.deployment_state, created.body.into_branch, created.body.notes],
      ["open", "pending", "main", "orders"],
    );
    assert.match(created.body.html_url, /^https:\/\/app\.planetscale\.com\/acme\/app\/deploy-requests\/\d+$/);
    const ready = await until(created.body.number, (dr) => dr.deployment_state === "ready");
    matches("get_deploy_request", await call(emu, "GET", `${D}/${created.body.number}`), 200);
    assert.equal(ready.deployment.deployable, true);
    const ops = await call(emu, "GET", `${D}/${created.body.number}/operations`);
    matches("list_deploy_operations", ops, 200);
    assert.deepEqual(
      ops.body.data.map((o: { table_name: string; operation_name: string; can_drop_data: boolean }) => [
        o.table_name,
        o.operation_name,
        o.can_drop_data,
      ]),
      [["orders", "create", false]],
    );
    matches("get_deployment", await call(emu, "GET", `${D}/${created.body.number}/deployment`), 200);
    const diff = await call(emu, "GET", `${D}/${created.body.number}/diff`);
    assert.equal(diff.status, 200);
    assert.match(diff.body.data[0].raw, /^\+CREATE TABLE `orders`/);
  });

  test("what PlanetScale refuses to open: 404 for an unknown branch, 422 otherwise", async () => {
    assert.equal((await open("no-such-branch")).status, 404);
    const branch = await branchWith([]);
    const unsafe = await open(branch, { into_branch: "unsafe" });
    assert.equal(unsafe.status, 422);
    assert.match(unsafe.body.message, /safe migrations/);
    assert.equal((await open("main")).status, 422, "a production branch is deployed into, not from");
    assert.equal((await open(branch)).status, 201);
    const twice = await open(branch);
    assert.equal(twice.status, 422);
    assert.match(twice.body.message, /already has an open deploy request/);
    const postgres = await call(emu, "POST", "/organizations/acme/databases/pg-app/deploy-requests", {
      body: { branch: "main" },
    });
    assert.equal(postgres.status, 422);
    assert.match(postgres.body.message, /only available for Vitess/);
    emu.setReadyDelay(60_000);
    const pending = await call(emu, "POST", P, { body: { name: "not-ready-yet" } });
    assert.equal(pending.status, 201);
    assert.match((await open("not-ready-yet")).body.message, /not ready/);
  });

  test("an open request follows its branch: a later migration makes it pending, then ready with the new DDL", async () => {
    const branch = await branchWith([]);
    const created = await open(branch);
    const first = await until(created.body.number, (dr) => dr.deployment_state === "no_changes");
    assert.deepEqual(first.deployment.deploy_operations, []);
    emu.applySchema({ organization: "acme", database: "app", branch }, [
      "ALTER TABLE users DROP COLUMN email",
    ]);
    const again = await call(emu, "GET", `${D}/${created.body.number}`);
    assert.equal(again.body.deployment_state, "pending");
    const ready = await until(created.body.number, (dr) => dr.deployment_state === "ready");
    assert.deepEqual(
      ready.deployment.deploy_operations.map((o: { ddl_statement: string; can_drop_data: boolean }) => [
        o.ddl_statement,
        o.can_drop_data,
      ]),
      [["ALTER TABLE `users` DROP COLUMN `email`", true]],
    );
  });

  test("deploying: queued, in progress, then live in main (revert window), then complete and closed", async () => {
    const branch = await branchWith(["CREATE TABLE invoices (id bigint PRIMARY KEY)"]);
    const { number } = (await open(branch)).body;
    await until(number, (dr) => dr.deployment_state === "ready");
    const queued = await call(emu, "POST", `${D}/${number}/deploy`, { body: { instant_ddl: false } });
    matches("queue_deploy_request", queued, 200);
    assert.equal(queued.body.deployment_state, "queued");
    const live = await until(number, (dr) => dr.deployment_state === "complete_pending_revert");
    // Each phase took its turn: queued, started one phase later, cut over one phase after that.
    const at = (key: string) => Date.parse(live.deployment[key]);
    assert.ok(
      at("queued_at") < at("started_at") && at("started_at") < at("cutover_at"),
      JSON.stringify(live.deployment),
    );
    assert.equal(live.state, "open");
    assert.equal(live.deployed_at, live.deployment.cutover_at);
    assert.ok((await tables("main")).includes("invoices"), "main has the table once cut over");
    const close = await call(emu, "PATCH", `${D}/${number}`, { body: { state: "closed" } });
    assert.equal(close.status, 422, "a deployed request cannot be closed");
    assert.match(close.body.message, /has been deployed/);
    const skipped = await call(emu, "POST", `${D}/${number}/skip-revert`, { body: {} });
    matches("skip_revert_period", skipped, 200);
    assert.deepEqual([skipped.body.deployment_state, skipped.body.state], ["complete", "closed"]);
    const listed = await call(emu, "GET", `${D}?state=deployed&branch=${branch}`);
    matches("list_deploy_requests", listed, 200);
    assert.deepEqual(
      listed.body.data.map((d: { number: number }) => d.number),
      [number],
    );
  });

  test("what deploy refuses: pending, no changes, lint errors, closed, deployed", async () => {
    emu.setReadyDelay(60_000);
    const slow = await branchWithDelay(["CREATE TABLE a1 (id int PRIMARY KEY)"]);
    const pending = (await open(slow)).body;
    const early = await call(emu, "POST", `${D}/${pending.number}/deploy`, { body: {} });
    assert.equal(early.status, 422);
    assert.match(early.body.message, /still being checked/);
    emu.setReadyDelay(80);
    const empty = (await open(await branchWith([]))).body;
    await until(empty.number, (dr) => dr.deployment_state === "no_changes");
    assert.match(
      (await call(emu, "POST", `${D}/${empty.number}/deploy`, { body: {} })).body.message,
      /no schema changes/,
    );
    const lint = (await open(await branchWith(["CREATE TABLE logs (line text)"]))).body;
    const linted = await until(lint.number, (dr) => dr.deployment_state === "ready");
    assert.equal(linted.deployment.deployable, false);
    assert.equal(linted.deployment.lint_errors[0].lint_error, "NO_UNIQUE_KEY");
    const refused = await call(emu, "POST", `${D}/${lint.number}/deploy`, { body: {} });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /not deployable: Table `logs` has no primary key/);
    const closed = await call(emu, "PATCH", `${D}/${lint.number}`, { body: { state: "closed" } });
    matches("close_deploy_request", closed, 200);
    assert.equal(closed.body.state, "closed");
    assert.match(
      (await call(emu, "POST", `${D}/${lint.number}/deploy`, { body: {} })).body.message,
      /is closed/,
    );
    assert.match(
      (await call(emu, "PATCH", `${D}/${lint.number}`, { body: { state: "closed" } })).body.message,
      /already closed/,
    );
  });

  /** {@link branchWith} with the current ready delay, waiting for readiness however long it is. */
  async function branchWithDelay(ddl: string[]): Promise<string> {
    const name = `feat-${++branchCount}`;
    emu.setReadyDelay(0);
    await call(emu, "POST", P, { body: { name } });
    await waitReady(emu, name);
    emu.applySchema({ organization: "acme", database: "app", branch: name }, ddl);
    emu.setReadyDelay(60_000);
    return name;
  }

  test("without auto cut-over it waits in pending_cutover until applied; a revert restores main", async () => {
    const branch = await branchWith(["ALTER TABLE users ADD COLUMN nickname varchar(40)"]);
    const { number } = (await open(branch, { auto_cutover: false })).body;
    await until(number, (dr) => dr.deployment_state === "ready");
    await call(emu, "POST", `${D}/${number}/deploy`, { body: { instant_ddl: false } });
    await until(number, (dr) => dr.deployment_state === "pending_cutover");
    const mainBefore = await rawOf("main", "users");
    assert.ok(mainBefore !== undefined && !mainBefore.includes("nickname"), "no cut-over yet");
    const applied = await call(emu, "POST", `${D}/${number}/apply-deploy`, { body: {} });
    matches("complete_gated_deploy_request", applied, 200);
    assert.equal(applied.body.deployment_state, "in_progress_cutover");
    await until(number, (dr) => dr.deployment_state === "complete_pending_revert");
    assert.match((await rawOf("main", "users")) ?? "", /nickname/);
    const reverted = await call(emu, "POST", `${D}/${number}/revert`, { body: {} });
    matches("complete_revert", reverted, 200);
    await until(number, (dr) => dr.deployment_state === "complete_revert");
    assert.equal(await rawOf("main", "users"), mainBefore);
    assert.equal((await call(emu, "POST", `${D}/${number}/revert`, { body: {} })).status, 422);
  });

  test("cancel stops a deployment before its cut-over; it can be deployed again", async () => {
    const branch = await branchWith(["CREATE TABLE carts (id bigint PRIMARY KEY)"]);
    const { number } = (await open(branch, { auto_cutover: false })).body;
    await until(number, (dr) => dr.deployment_state === "ready");
    await call(emu, "POST", `${D}/${number}/deploy`, { body: {} });
    const cancelled = await call(emu, "POST", `${D}/${number}/cancel`, { body: {} });
    matches("cancel_deploy_request", cancelled, 200);
    const done = await until(number, (dr) => dr.deployment_state === "complete_cancel");
    assert.equal(done.state, "open");
    assert.ok(!(await tables("main")).includes("carts"));
    assert.equal((await call(emu, "POST", `${D}/${number}/cancel`, { body: {} })).status, 422);
    const auto = await call(emu, "PUT", `${D}/${number}/auto-apply`, { body: { enable: true } });
    matches("update_auto_apply", auto, 200);
    matches(
      "update_auto_delete_branch",
      await call(emu, "PUT", `${D}/${number}/auto-delete-branch`, { body: { enable: true } }),
      200,
    );
    assert.equal((await call(emu, "POST", `${D}/${number}/deploy`, { body: {} })).status, 200);
    await until(number, (dr) => dr.deployment_state === "complete_pending_revert");
    assert.ok((await tables("main")).includes("carts"));
    // auto_delete_branch: the branch is gone once its changes are live.
    assert.equal((await call(emu, "GET", `${P}/${branch}`)).status, 404);
    const dr = (await call(emu, "GET", `${D}/${number}`)).body;
    assert.equal(dr.branch_deleted, true);
    await call(emu, "POST", `${D}/${number}/skip-revert`, { body: {} });
  });

  test("the queue: a deployment waits while an earlier one is in its revert window", async () => {
    const first = (await open(await branchWith(["CREATE TABLE q1 (id int PRIMARY KEY)"]))).body.number;
    const second = (await open(await branchWith(["CREATE TABLE q2 (id int PRIMARY KEY)"]))).body.number;
    await until(first, (dr) => dr.deployment_state === "ready");
    await until(second, (dr) => dr.deployment_state === "ready");
    await call(emu, "POST", `${D}/${first}/deploy`, { body: {} });
    await until(first, (dr) => dr.deployment_state === "complete_pending_revert");
    // main changed: the second request is checked again before it can deploy.
    await until(second, (dr) => dr.deployment_state === "ready");
    assert.equal((await call(emu, "POST", `${D}/${second}/deploy`, { body: {} })).status, 200);
    const waiting = (await call(emu, "GET", `${D}/${second}`)).body;
    assert.equal(waiting.deployment_state, "queued");
    assert.deepEqual(
      waiting.deployment.preceding_deployments.map(
        (d: { deploy_request_number: number }) => d.deploy_request_number,
      ),
      [first],
    );
    // Still queued one phase later: the first holds the queue until its revert window closes.
    await until(
      second,
      (dr) => dr.deployment_state === "queued" && Date.now() - Date.parse(dr.deployment.queued_at) > 200,
    );
    await call(emu, "POST", `${D}/${first}/skip-revert`, { body: {} });
    await until(second, (dr) => dr.deployment_state === "complete_pending_revert");
    await call(emu, "POST", `${D}/${second}/skip-revert`, { body: {} });
  });

  test("a deployment whose table changed in main meanwhile fails: complete_error with the reason", async () => {
    const one = (await open(await branchWith(["CREATE TABLE clash (id int PRIMARY KEY)"]))).body.number;
    const two = (await open(await branchWith(["CREATE TABLE clash (id bigint PRIMARY KEY)"]))).body.number;
    await until(one, (dr) => dr.deployment_state === "ready");
    await until(two, (dr) => dr.deployment_state === "ready");
    await call(emu, "POST", `${D}/${one}/deploy`, { body: {} });
    await call(emu, "POST", `${D}/${two}/deploy`, { body: {} });
    await until(one, (dr) => dr.deployment_state === "complete_pending_revert");
    await call(emu, "POST", `${D}/${one}/skip-revert`, { body: {} });
    const failed = await until(two, (dr) => dr.deployment_state === "complete_error");
    assert.match(failed.deployment.deploy_operations[0].deploy_errors, /clash/);
    assert.equal(failed.state, "open");
  });

  test("a database requiring approval: refused until someone else approves", async () => {
    const branch = await branchWith(["CREATE TABLE approved_t (id int PRIMARY KEY)"], "gated");
    const G = "/organizations/acme/databases/gated/deploy-requests";
    const { number } = (await open(branch, {}, "gated")).body;
    await until(number, (dr) => dr.deployment_state === "ready", "gated");
    const refused = await call(emu, "POST", `${G}/${number}/deploy`, { body: {} });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /must be approved/);
    const self = await call(emu, "POST", `${G}/${number}/reviews`, { body: { state: "approved", body: "" } });
    assert.equal(self.status, 422);
    assert.match(self.body.message, /your own deploy request/);
    const reviewer = await makeToken(emu, [
      { access: ["approve_deploy_request", "read_deploy_request"], database: "gated" },
    ]);
    const approved = await call(emu, "POST", `${G}/${number}/reviews`, {
      cred: reviewer,
      body: { state: "approved", body: "looks good" },
    });
    matches("review_deploy_request", approved, 201);
    const reviews = await call(emu, "GET", `${G}/${number}/reviews`);
    matches("list_deploy_request_reviews", reviews, 200);
    assert.equal(reviews.body.data[0].actor.id, reviewer.id);
    assert.equal((await call(emu, "GET", `${G}/${number}`)).body.approved, true);
    assert.equal((await call(emu, "POST", `${G}/${number}/deploy`, { body: {} })).status, 200);
    const database = await call(emu, "GET", "/organizations/acme/databases/gated");
    assert.equal(database.body.require_approval_for_deploy, true);
  });

  test("deleting a branch closes its open deploy request; accesses follow the spec", async () => {
    const branch = await branchWith([]);
    const { number } = (await open(branch)).body;
    assert.equal((await call(emu, "DELETE", `${P}/${branch}`)).status, 204);
    const gone = (await call(emu, "GET", `${D}/${number}`)).body;
    assert.deepEqual([gone.state, gone.branch_deleted], ["closed", true]);
    const reader = await makeToken(emu, [{ access: ["read_deploy_request"], database: "app" }]);
    assert.equal((await call(emu, "GET", `${D}/${number}`, { cred: reader })).status, 200);
    assert.equal((await call(emu, "POST", D, { cred: reader, body: { branch: "main" } })).status, 404);
    assert.equal((await call(emu, "GET", `${D}/99999`)).status, 404);
    assert.equal((await call(emu, "GET", `${D}/not-a-number`)).status, 404);
  });
});
