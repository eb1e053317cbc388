// examples/gitops/, run as a user copies it: environments.yaml declares the database with its
// settings, long-lived branches and tokens; gitops.yml previews a pull request, applies on merge and checks drift nightly. The
// workflow's jobs run step by step (test/support/runner.ts): `npm ci` installs this package from a
// registry on loopback in the first job, whose node_modules the others restore (actions/cache),
// with the real Pulumi CLI against the emulator.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { branchNames, call, makeToken, waitReady } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { type LocalRegistry, registryWithTree } from "../support/registry";
import { createRunner, type Runner } from "../support/runner";
import { type Contexts, explain, type JobResult, loadWorkflow } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const EXAMPLE = "examples/gitops";
const workflow = loadWorkflow(join(repoRoot, EXAMPLE, "gitops.yml"));

describe("GitOps of long-lived environments, by the workflow", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let registry: LocalRegistry;
  let runner: Runner;

  const event = (event_name: string, options: { fork?: boolean } = {}): Contexts => ({
    github: {
      event_name,
      repository: "acme/infra",
      event: {
        pull_request: { head: { repo: { full_name: options.fork ? "someone/infra" : "acme/infra" } } },
      },
    },
    secrets: options.fork
      ? {}
      : {
          PULUMI_BACKEND_URL: runner.backendUrl,
          PULUMI_CONFIG_PASSPHRASE: "gitops-passphrase",
          PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
          PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
        },
    vars: { PLANETSCALE_ORG: emu.organization },
  });
  /** Runs the workflow for one event; returns the one job that ran. */
  async function trigger(eventName: string, options: { fork?: boolean } = {}): Promise<[string, JobResult]> {
    const ran = Object.entries(
      await runner.trigger(workflow, event(eventName, options), { PLANETSCALE_API_URL: emu.apiUrl }),
    );
    assert.equal(ran.length, 1, `one job per event, got ${ran.map(([j]) => j).join(", ")}`);
    return ran[0] as [string, JobResult];
  }
  const branch = async (name: string) =>
    (await call(emu, "GET", `/organizations/acme/databases/app/branches/${name}`)).body;
  async function tokenNames(): Promise<string[]> {
    const res = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
    return (res.body.data as Array<{ name: string }>).map((t) => t.name).sort();
  }
  const writes = () => emu.requests().filter((r) => r.method !== "GET");

  before(async () => {
    // The organization has no database yet: the example declares and creates `app`.
    emu = await emulator({ seed: { organizations: [{ name: "acme", databases: [{ name: "other" }] }] } });
    registry = await registryWithTree();
    runner = createRunner(EXAMPLE, cliDir ?? "", registry);
  });
  after(async () => {
    await emu?.stop();
    await registry?.stop();
    await runner?.cleanup();
  });

  test("the example's package.json and lockfile are what npm locks for this tree", async () => {
    // Only this package's integrity may differ: it changes with every source change.
    assert.deepEqual(await runner.relock(), []);
  });

  test("pull request: the preview job shows the change and creates nothing", async () => {
    const [job, result] = await trigger("pull_request");
    assert.equal(job, "preview");
    assert.equal(result.failed, undefined, explain(result));
    assert.match(result.steps.at(-1)?.output ?? "", /\+ 6 to create/);
    // The first job installs from the registry and keeps node_modules for the next ones.
    assert.match(
      result.steps.find((s) => s.name === "Install dependencies")?.output ?? "",
      /added \d+ packages/,
    );
    assert.match(result.post.map((s) => s.output).join(""), /^Cache saved with key: infra-node-modules-/m);
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/app")).status, 404);
    assert.deepEqual(await tokenNames(), []);
  });

  test("a pull request from a fork gets a notice instead of a preview, and a green check", async () => {
    emu.clearRequests();
    const [job, result] = await trigger("pull_request", { fork: true });
    assert.equal(job, "fork");
    assert.equal(result.failed, undefined, explain(result));
    assert.match(result.steps[0]?.output ?? "", /^::notice title=No preview::.*someone\/infra.*no secrets/m);
    assert.deepEqual(emu.requests(), []);
  });

  test("merge: the apply job creates what environments.yaml declares", async () => {
    const [job, result] = await trigger("push");
    assert.equal(job, "apply");
    assert.equal(result.failed, undefined, explain(result));
    // The lockfile did not change: node_modules comes from the cache, without npm ci.
    assert.match(
      result.steps.find((s) => s.name === "Restore infra/node_modules")?.output ?? "",
      /^Cache restored from key: infra-node-modules-/m,
    );
    assert.ok(!result.steps.some((s) => s.name === "Install dependencies"), explain(result));
    const db = (await call(emu, "GET", "/organizations/acme/databases/app")).body;
    assert.deepEqual(
      [
        db.state,
        db.require_approval_for_deploy,
        db.allow_data_branching,
        db.restrict_branch_region,
        db.deletion_protected,
      ],
      ["ready", true, true, true, true],
      "the database and the settings environments.yaml gives",
    );
    assert.deepEqual(await branchNames(emu), ["analytics", "main", "staging"]);
    const staging = await branch("staging");
    assert.equal(staging.deletion_protected, true);
    assert.equal(staging.safe_migrations, true);
    assert.equal((await branch("analytics")).deletion_protected, false);
    assert.deepEqual(await tokenNames(), ["analytics-reader", "staging-deployer"]);
  });

  test("nightly: the drift check passes while PlanetScale matches the file, and writes nothing", async () => {
    emu.clearRequests();
    const [job, result] = await trigger("schedule");
    assert.equal(job, "drift");
    assert.equal(result.failed, undefined, explain(result));
    assert.deepEqual(writes(), []);
  });

  test("a change made by hand fails the drift check every night until someone acts", async () => {
    await call(emu, "PATCH", "/organizations/acme/databases/app/branches/analytics", {
      body: { deletion_protected: true },
    });
    await call(emu, "PATCH", "/organizations/acme/databases/app", {
      body: { require_approval_for_deploy: false },
    });
    for (const night of [1, 2]) {
      emu.clearRequests();
      const [, result] = await trigger("schedule");
      assert.ok(result.failed, `night ${night}: the drift check must fail`);
      assert.match(result.failed.name, /^Drift check/);
      assert.match(result.failed.output, /analytics/);
      assert.match(result.failed.output, /requireApprovalForDeploy/);
      assert.deepEqual(writes(), [], `night ${night}: the drift check changed PlanetScale`);
    }
    // Someone acts: "Run workflow" on main applies the file again, putting back what was changed.
    const [job, apply] = await trigger("workflow_dispatch");
    assert.equal(job, "apply");
    assert.equal(apply.failed, undefined, explain(apply));
    assert.equal((await branch("analytics")).deletion_protected, false);
    const db = (await call(emu, "GET", "/organizations/acme/databases/app")).body;
    assert.equal(db.require_approval_for_deploy, true, "the setting changed by hand is put back");
    const [, night3] = await trigger("schedule");
    assert.equal(night3.failed, undefined, explain(night3));
  });

  test("a reviewed edit of environments.yaml is previewed, then applied on merge", async () => {
    const file = join(runner.repository, "infra", "environments.yaml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(
        "  - name: analytics\n    parentBranch: main\n",
        "  - name: analytics\n    parentBranch: main\n    deletionProtected: true\n  - name: qa\n    parentBranch: staging\n",
      ),
    );
    const [, preview] = await trigger("pull_request");
    assert.equal(preview.failed, undefined, explain(preview));
    assert.match(preview.steps.at(-1)?.output ?? "", /\+ 1 to create/);
    assert.match(preview.steps.at(-1)?.output ?? "", /~ 1 to update/);
    assert.ok(!(await branchNames(emu)).includes("qa"));
    const [, apply] = await trigger("push");
    assert.equal(apply.failed, undefined, explain(apply));
    assert.deepEqual(await branchNames(emu), ["analytics", "main", "qa", "staging"]);
    assert.equal((await branch("analytics")).deletion_protected, true);
    const [, drift] = await trigger("schedule");
    assert.equal(drift.failed, undefined, explain(drift));
  });

  test("a reviewed schema change: merged, its deploy request opens; approved by someone else, the next pull request's preview prints its DDL and merging deploys it", async () => {
    // A developer's branch with its migration run on it; production takes deploy requests.
    const created = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: { name: "add-orders", parent_branch: "main" },
    });
    assert.equal(created.status, 201, created.text);
    await waitReady(emu, "add-orders");
    emu.applySchema({ organization: "acme", database: "app", branch: "add-orders" }, [
      "CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL)",
    ]);
    const safe = await call(emu, "POST", "/organizations/acme/databases/app/branches/main/safe-migrations");
    assert.equal(safe.status, 200, safe.text);
    const file = join(runner.repository, "infra", "environments.yaml");
    const declared = readFileSync(file, "utf8");
    const DR = "/organizations/acme/databases/app/deploy-requests";
    const mainTables = async () =>
      (await call(emu, "GET", "/organizations/acme/databases/app/branches/main/schema")).body.data.map(
        (t: { name: string }) => t.name,
      );
    const requestsOfBranch = async () =>
      (await call(emu, "GET", `${DR}?branch=add-orders`)).body.data as Array<{
        number: number;
        state: string;
        deployment_state: string;
      }>;

    // The first pull request declares the change; merging it opens the deploy request only.
    writeFileSync(file, `${declared}schemaChanges:\n  - branch: add-orders\n    notes: orders table\n`);
    emu.clearRequests();
    const [job, preview] = await trigger("pull_request");
    assert.equal(job, "preview");
    assert.equal(preview.failed, undefined, explain(preview));
    assert.match(preview.steps.at(-1)?.output ?? "", /\+ 1 to create/);
    assert.deepEqual(
      writes().map((r) => `${r.method} ${r.path}`),
      [],
    );
    const [, opened] = await trigger("push");
    assert.equal(opened.failed, undefined, explain(opened));
    const [request] = await requestsOfBranch();
    assert.deepEqual([request?.state, request?.deployment_state], ["open", "ready"]);
    assert.ok(!(await mainTables()).includes("orders"), "opened, not deployed");

    // The database requires an approval (environments.yaml): a deploy before it is refused at preview.
    writeFileSync(
      file,
      `${declared}schemaChanges:\n  - branch: add-orders\n    notes: orders table\n    deploy: true\n`,
    );
    const [, unapproved] = await trigger("pull_request");
    assert.ok(unapproved.failed, "the preview fails");
    assert.match(
      unapproved.steps.at(-1)?.output ?? "",
      new RegExp(`#${request?.number}.*requires an approving review`),
    );

    // Someone else approves it in PlanetScale; now the preview prints the DDL and merging deploys it.
    const reviewer = await makeToken(emu, [{ access: ["approve_deploy_request"], database: "app" }]);
    const review = await call(emu, "POST", `${DR}/${request?.number}/reviews`, {
      cred: reviewer,
      body: { state: "approved", body: "" },
    });
    assert.equal(review.status, 201, review.text);
    emu.clearRequests();
    const [, approved] = await trigger("pull_request");
    assert.equal(approved.failed, undefined, explain(approved));
    const shown = approved.steps.at(-1)?.output ?? "";
    assert.match(shown, /CREATE TABLE `orders`/);
    assert.match(shown, /~ 1 to update/);
    assert.deepEqual(
      writes().map((r) => `${r.method} ${r.path}`),
      [],
    );
    assert.ok(!(await mainTables()).includes("orders"), "the preview deploys nothing");

    const [, apply] = await trigger("push");
    assert.equal(apply.failed, undefined, explain(apply));
    assert.match(apply.steps.at(-1)?.output ?? "", /is live/);
    assert.ok((await mainTables()).includes("orders"));
    assert.deepEqual(
      (await requestsOfBranch()).map((r) => [r.number, r.deployment_state]),
      [[request?.number, "complete_pending_revert"]],
    );
  });
});
