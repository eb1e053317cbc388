// examples/preview-environment/, run as a user copies it: the project in a repository's infra/,
// its workflow's jobs run step by step, `npm ci` installing this package from a registry on
// loopback (its current tree, published there) and every `uses:` step doing what it stands for
// (test/support/runner.ts; the first job's `npm ci` fills actions/cache, which the others restore),
// with the real Pulumi CLI against the emulator, for pull requests that
// are opened, updated, changed by hand, closed, from a fork, or with a wrong credential; and the
// schema change: a pull request's migrations commented as the deploy request's DDL, deployed to
// main on merge, one that drops data refused on merge until labelled, one closed unmerged. The
// migrations run through the emulator's DDL endpoint (scripts/emulator-migrate.mjs stands in for
// the migration tool the variable MIGRATE_COMMAND names).
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { type LocalRegistry, registryWithTree } from "../support/registry";
import { createRunner, type Runner } from "../support/runner";
import { type Contexts, explain, type JobResult, loadWorkflow, substitute } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const EXAMPLE = "examples/preview-environment";
const workflow = loadWorkflow(join(repoRoot, EXAMPLE, "preview-environment.yml"));

describe("the workflow file", () => {
  test("runs on pull requests opened, updated, reopened and closed, one at a time per pull request", () => {
    assert.deepEqual((workflow.on["pull_request"] as { types: string[] }).types, [
      "opened",
      "synchronize",
      "reopened",
      "closed",
    ]);
    const contexts = { github: { event: { pull_request: { number: 7 } } } };
    assert.equal(substitute(workflow.concurrency?.group ?? "", contexts), "preview-environment-7");
    assert.equal(workflow.concurrency?.["cancel-in-progress"], false);
    assert.equal(substitute(workflow.env?.["STACK"] ?? "", contexts), "pr-7");
    for (const name of ["PLANETSCALE_SERVICE_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_ACCESS_TOKEN"]) {
      assert.equal(workflow.env?.[name], `\${{ secrets.${name} }}`);
    }
  });
});

describe("a pull request's preview environment, by the workflow", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let registry: LocalRegistry;
  let runner: Runner;
  let secrets: Record<string, string>;

  const event = (
    action: string,
    number = 42,
    options: {
      fork?: boolean;
      secrets?: Record<string, string>;
      merged?: boolean;
      labels?: string[];
    } = {},
  ): Contexts => ({
    github: {
      event_name: "pull_request",
      repository: "acme/infra",
      event: {
        action,
        pull_request: {
          number,
          head: { repo: { full_name: options.fork ? "someone/infra" : "acme/infra" } },
          merged: options.merged ?? false,
          labels: (options.labels ?? []).map((name) => ({ name })),
        },
      },
    },
    // GitHub gives a pull request from a fork no secrets.
    secrets: options.fork ? {} : { ...secrets, ...options.secrets },
    vars: {
      PLANETSCALE_ORG: emu.organization,
      MIGRATE_COMMAND: `node ${join(repoRoot, "scripts/emulator-migrate.mjs")} migrations/*.sql`,
    },
  });
  /** Runs the workflow for one event; the runner's provider URL points at the emulator. */
  const trigger = (contexts: Contexts) =>
    runner.trigger(workflow, contexts, { PLANETSCALE_API_URL: emu.apiUrl });
  async function tokenNames(): Promise<string[]> {
    const res = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
    return (res.body.data as Array<{ name: string }>).map((t) => t.name).sort();
  }
  /** The pull request's migrations, as its commit holds them in `infra/migrations/`. */
  function migrations(files: Record<string, string>): void {
    const dir = join(runner.repository, "infra", "migrations");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  }
  const D = "/organizations/acme/databases/app/deploy-requests";
  const mainSchema = async () =>
    (await call(emu, "GET", "/organizations/acme/databases/app/branches/main/schema")).text;
  async function mainTables(): Promise<string[]> {
    return (await call(emu, "GET", "/organizations/acme/databases/app/branches/main/schema")).body.data.map(
      (t: { name: string }) => t.name,
    );
  }
  async function requestsOf(
    branch: string,
  ): Promise<Array<{ number: number; state: string; deployment_state: string }>> {
    return (await call(emu, "GET", `${D}?branch=${branch}`)).body.data;
  }
  /** The requests of the last no-change deploy. */
  let lastSynchronize: string[] = [];
  /** The API requests sent since the log was cleared, as `METHOD path`. */
  const requests = () => emu.requests().map((r) => `${r.method} ${r.path}`);

  before(async () => {
    // main takes deploy requests (safe migrations on); a deploy's revert window is short here, so
    // the next pull request's deploy does not wait half an hour for the database's queue.
    emu = await emulator({
      revertWindowMs: 500,
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
            ],
          },
        ],
      },
    });
    registry = await registryWithTree();
    runner = createRunner(EXAMPLE, cliDir ?? "", registry);
    secrets = {
      PULUMI_BACKEND_URL: runner.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: "ci-passphrase",
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    };
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

  test("opened: npm ci installs from the registry; the deploy job creates pr-42's environment, migrates its branch and comments the DDL", async () => {
    migrations({
      "001_orders.sql": "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total int NOT NULL);\n",
    });
    const results = await trigger(event("opened"));
    assert.deepEqual(Object.keys(results), ["deploy"]);
    const deploy = results["deploy"] as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    assert.match(
      deploy.steps.find((s) => s.name === "Install dependencies")?.output ?? "",
      /added \d+ packages/,
    );
    // …and its node_modules is kept for the next jobs (a miss, saved after the job succeeded).
    assert.match(deploy.post.map((s) => s.output).join(""), /^Cache saved with key: infra-node-modules-/m);
    assert.match(deploy.steps.find((s) => s.name === "Outputs")?.output ?? "", /^pr-42$/m);
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
    assert.deepEqual(await tokenNames(), ["pr-42-ci"]);
    const [comment, ...more] = runner.comments(42);
    assert.equal(more.length, 0);
    assert.match(
      comment ?? "",
      /### Schema change: \[deploy request #\d+\]\(https:\/\/app\.planetscale\.com\/acme\/app\/deploy-requests\/\d+\) into `main`/,
    );
    assert.match(comment ?? "", /```sql\nCREATE TABLE `orders` \(/);
    assert.doesNotMatch(comment ?? "", /can drop data/);
    assert.deepEqual(
      (await requestsOf("pr-42")).map((r) => r.state),
      ["open"],
    );
    for (const step of deploy.steps)
      assert.ok(!step.output.includes("pscale_pw_"), `${step.name} printed a password`);
  });

  test("synchronize: nothing to change, nothing written, nothing duplicated", async () => {
    emu.clearRequests();
    const deploy = (await trigger(event("synchronize"))).deploy as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    // The lockfile did not change: node_modules comes from the first job's cache, without npm ci.
    assert.match(
      deploy.steps.find((s) => s.name === "Restore infra/node_modules")?.output ?? "",
      /^Cache restored from key: infra-node-modules-Linux-v20\.[\d.]+-[0-9a-f]{64}$/m,
    );
    assert.ok(!deploy.steps.some((s) => s.name === "Install dependencies"), explain(deploy));
    const preview = deploy.steps.find((s) => s.name.startsWith("Preview"));
    // The stack, the branch, its password, the token and the deploy request: all five unchanged.
    assert.match(preview?.output ?? "", /5 unchanged/);
    const sent = requests();
    assert.deepEqual(
      sent.filter((r) => !r.startsWith("GET ")),
      [],
    );
    // The refresh read each of the three resources.
    for (const read of [/\/branches\/\w+$/, /\/passwords\/\w+$/, /\/service-tokens\/\w+\/access$/])
      assert.ok(
        sent.some((r) => read.test(r)),
        `${read} not read:\n${sent.join("\n")}`,
      );
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
    assert.deepEqual(await tokenNames(), ["pr-42-ci"]);
    assert.equal(runner.comments(42).length, 1, "the comment is edited, not repeated");
    lastSynchronize = sent;
  });

  test("synchronize: each refresh reads each resource once, and the deploys ask nothing else", () => {
    // Two `up --refresh` (the deploy, then the one after the migrations, which the deploy request
    // follows) each read the branch, its password (whose answer names the branch), the token's
    // accesses and the deploy request; the preview and the updates after the refreshes ask nothing
    // (the inputs the refresh found are the program's).
    const reads = [
      /\/branches\/\w+$/,
      /\/passwords\/\w+$/,
      /\/service-tokens\/\w+\/access$/,
      /\/deploy-requests\/\d+$/,
    ];
    for (const read of reads)
      assert.equal(
        lastSynchronize.filter((r) => read.test(r)).length,
        2,
        `${read}:\n${lastSynchronize.join("\n")}`,
      );
    assert.equal(lastSynchronize.length, 2 * reads.length, lastSynchronize.join("\n"));
  });

  test("a branch deleted by hand is recreated by the next push's deploy", async () => {
    const gone = await call(emu, "DELETE", "/organizations/acme/databases/app/branches/pr-42");
    assert.equal(gone.status, 204, gone.text);
    assert.deepEqual(await branchNames(emu), ["main"]);
    emu.clearRequests();
    const deploy = (await trigger(event("synchronize"))).deploy as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
    assert.deepEqual(await tokenNames(), ["pr-42-ci"]);
    // The deploy request of the deleted branch was closed with it; the deploy opened a new one.
    assert.deepEqual((await requestsOf("pr-42")).map((r) => r.state).sort(), ["closed", "open"]);
    // The refresh found the branch gone before the update made it again.
    const sent = requests();
    const branchCreate = sent.indexOf("POST /v1/organizations/acme/databases/app/branches");
    assert.ok(branchCreate > 0, sent.join("\n"));
    assert.ok(
      sent.slice(0, branchCreate).some((r) => /^GET .*\/branches\/\w+$/.test(r)),
      sent.join("\n"),
    );
  });

  test("synchronize with a new migration: the comment shows it; the same deploy request follows the branch", async () => {
    const open = async () =>
      (await requestsOf("pr-42")).filter((r) => r.state === "open").map((r) => r.number);
    const before = await open();
    assert.equal(before.length, 1, JSON.stringify(await requestsOf("pr-42")));
    migrations({
      "001_orders.sql": "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total int NOT NULL);\n",
      "002_invoices.sql": "CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\n",
    });
    const deploy = (await trigger(event("synchronize"))).deploy as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    const comments = runner.comments(42);
    assert.equal(comments.length, 1, "the comment is edited, not repeated");
    assert.match(comments[0] ?? "", /CREATE TABLE `invoices`/);
    assert.match(comments[0] ?? "", /CREATE TABLE `orders`/);
    assert.deepEqual(await open(), before, "the same deploy request follows the branch");
  });

  test("a wrong credential fails the preview step, before anything is deployed", async () => {
    const deploy = (
      await trigger(event("opened", 43, { secrets: { PLANETSCALE_SERVICE_TOKEN: "pscale_tkn_wrong" } }))
    ).deploy as JobResult;
    assert.ok(deploy.failed, "the job must fail");
    assert.match(deploy.failed.name, /^Preview/);
    assert.match(deploy.failed.output, /rejected the credential/);
    assert.ok(!deploy.failed.output.includes("pscale_tkn_wrong"));
    assert.ok(!deploy.steps.some((s) => s.name.startsWith("Deploy")));
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
  });

  test("a pull request from a fork gets a notice instead of a deploy, and a green check", async () => {
    for (const action of ["opened", "closed"]) {
      emu.clearRequests();
      const results = await trigger(event(action, 44, { fork: true }));
      assert.deepEqual(Object.keys(results), ["fork"], action);
      const fork = results["fork"] as JobResult;
      assert.equal(fork.failed, undefined, explain(fork));
      assert.match(
        fork.steps[0]?.output ?? "",
        /^::notice title=No preview environment::.*someone\/infra.*no secrets/m,
      );
      assert.deepEqual(requests(), []);
    }
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
  });

  test("merged: the schema change is deployed to main and live before pr-42's environment goes", async () => {
    const results = await trigger(event("closed", 42, { merged: true }));
    assert.deepEqual(Object.keys(results), ["destroy"]);
    const destroy = results["destroy"] as JobResult;
    assert.equal(destroy.failed, undefined, explain(destroy));
    const deployed = destroy.steps.find((s) => s.name.startsWith("Deploy the schema change"));
    assert.match(deployed?.output ?? "", /deploying 2 operation\(s\)/);
    assert.match(deployed?.output ?? "", /is live/);
    assert.deepEqual(await mainTables(), ["invoices", "orders", "users"]);
    assert.deepEqual(await branchNames(emu), ["main"]);
    assert.deepEqual(await tokenNames(), []);
    const [request] = await requestsOf("pr-42");
    assert.ok(
      request && ["complete_pending_revert", "complete"].includes(request.deployment_state),
      JSON.stringify(request),
    );
    // The stack is gone too: closing again finds nothing to deploy or destroy and succeeds.
    const again = (await trigger(event("closed", 42, { merged: true }))).destroy as JobResult;
    assert.equal(again.failed, undefined, explain(again));
    assert.match(again.steps.at(-1)?.output ?? "", /no stack pr-42: nothing to destroy/);
  });

  test("a schema change that drops data: warned in the comment, refused on merge until labelled", async () => {
    migrations({ "001_drop_email.sql": "ALTER TABLE users DROP COLUMN email;\n" });
    const opened = (await trigger(event("opened", 45))).deploy as JobResult;
    assert.equal(opened.failed, undefined, explain(opened));
    assert.match(
      runner.comments(45)[0] ?? "",
      /\[!WARNING\]\n> These statements can drop data: `ALTER TABLE `users` DROP COLUMN `email``/,
    );
    const refused = (await trigger(event("closed", 45, { merged: true }))).destroy as JobResult;
    assert.ok(refused.failed, "the merge job must fail");
    assert.match(refused.failed.name, /^Deploy the schema change/);
    assert.match(refused.failed.output, /can drop data .*allowDataLoss/);
    assert.ok((await branchNames(emu)).includes("pr-45"), "the environment stays until it is resolved");
    assert.match(await mainSchema(), /email/);
    const labelled = (await trigger(event("closed", 45, { merged: true, labels: ["allow-data-loss"] })))
      .destroy as JobResult;
    assert.equal(labelled.failed, undefined, explain(labelled));
    assert.doesNotMatch(await mainSchema(), /email/);
    assert.deepEqual(await branchNames(emu), ["main"]);
  });

  test("closed without merging: its deploy request is closed and nothing reaches main", async () => {
    migrations({ "001_scratch.sql": "CREATE TABLE IF NOT EXISTS scratch (id int PRIMARY KEY);\n" });
    const opened = (await trigger(event("opened", 46))).deploy as JobResult;
    assert.equal(opened.failed, undefined, explain(opened));
    const closed = (await trigger(event("closed", 46))).destroy as JobResult;
    assert.equal(closed.failed, undefined, explain(closed));
    const deployStep = closed.steps.find((step) => step.name.startsWith("Deploy the schema change"));
    assert.match(deployStep?.output ?? "", /closed without merging/);
    assert.deepEqual(
      (await requestsOf("pr-46")).map((r) => r.state),
      ["closed"],
    );
    assert.ok(!(await mainTables()).includes("scratch"));
    assert.deepEqual(await branchNames(emu), ["main"]);
    assert.deepEqual(await tokenNames(), []);
  });
});
