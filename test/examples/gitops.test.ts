// examples/gitops/: environments.yaml declares the database with its settings, long-lived branches
// and tokens; gitops.yml previews
// a pull request, applies on merge and checks drift nightly. The workflow's shell steps run in
// order with the real Pulumi CLI against the emulator, on the example project as written.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { createRunner, type Runner } from "../support/runner";
import { type Contexts, type JobResult, loadWorkflow, runJob } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const workflow = loadWorkflow(join(repoRoot, "examples/gitops/gitops.yml"));

function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name} (exit ${s.code})\n${s.output}`).join("\n");
}

describe("GitOps of long-lived environments, by the workflow", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let runner: Runner;

  const event = (event_name: string): Contexts => ({
    github: { event_name },
    secrets: {
      PULUMI_BACKEND_URL: runner.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: "gitops-passphrase",
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    },
    vars: { PLANETSCALE_ORG: emu.organization },
  });
  /** Runs the workflow for one event; returns the one job that ran. */
  async function trigger(eventName: string): Promise<[string, JobResult]> {
    const ran: Array<[string, JobResult]> = [];
    for (const job of Object.keys(workflow.jobs)) {
      const result = await runJob(workflow, job, {
        contexts: event(eventName),
        checkout: runner.checkout,
        baseEnv: runner.baseEnv({ PLANETSCALE_API_URL: emu.apiUrl }),
      });
      if (result.ran) ran.push([job, result]);
    }
    assert.equal(ran.length, 1, `one job per event, got ${ran.map(([j]) => j).join(", ")}`);
    return ran[0] as [string, JobResult];
  }
  const branch = async (name: string) =>
    (await call(emu, "GET", `/organizations/acme/databases/app/branches/${name}`)).body;
  async function tokenNames(): Promise<string[]> {
    const res = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
    return (res.body.data as Array<{ name: string }>).map((t) => t.name).sort();
  }

  before(async () => {
    // The organization has no database yet: the example declares and creates `app`.
    emu = await emulator({ seed: { organizations: [{ name: "acme", databases: [{ name: "other" }] }] } });
    runner = createRunner(
      Object.fromEntries(
        ["Pulumi.yaml", "package.json", "index.ts", "environments.yaml", "tsconfig.json"].map((f) => [
          f,
          { from: `examples/gitops/${f}` },
        ]),
      ),
      cliDir ?? "",
    );
  });
  after(async () => {
    await emu?.stop();
    runner?.cleanup();
  });

  test("pull request: the preview job shows the change and creates nothing", async () => {
    const [job, result] = await trigger("pull_request");
    assert.equal(job, "preview");
    assert.equal(result.failed, undefined, explain(result));
    assert.match(result.steps.at(-1)?.output ?? "", /\+ 6 to create/);
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/app")).status, 404);
    assert.deepEqual(await tokenNames(), []);
  });

  test("merge: the apply job creates what environments.yaml declares", async () => {
    const [job, result] = await trigger("push");
    assert.equal(job, "apply");
    assert.equal(result.failed, undefined, explain(result));
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

  test("nightly: the drift check passes while PlanetScale matches the file", async () => {
    const [job, result] = await trigger("schedule");
    assert.equal(job, "drift");
    assert.equal(result.failed, undefined, explain(result));
  });

  test("nightly: a change made by hand fails the drift check", async () => {
    await call(emu, "PATCH", "/organizations/acme/databases/app/branches/analytics", {
      body: {
        deletion_protected: true,
      },
    });
    await call(emu, "PATCH", "/organizations/acme/databases/app", {
      body: { require_approval_for_deploy: false },
    });
    const [, result] = await trigger("schedule");
    assert.ok(result.failed, "the drift check must fail");
    assert.match(result.failed.name, /^Drift check/);
    assert.match(result.failed.output, /analytics/);
    assert.match(result.failed.output, /requireApprovalForDeploy/);
  });

  test("a reviewed edit of environments.yaml is previewed, then applied on merge", async () => {
    const file = join(runner.checkout, "infra", "environments.yaml");
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
    assert.ok(!(await branchNames(emu)).includes("qa"));
    const [, apply] = await trigger("push");
    assert.equal(apply.failed, undefined, explain(apply));
    assert.deepEqual(await branchNames(emu), ["analytics", "main", "qa", "staging"]);
    const db = (await call(emu, "GET", "/organizations/acme/databases/app")).body;
    assert.equal(db.require_approval_for_deploy, true, "the setting changed by hand is put back");
    const [, drift] = await trigger("schedule");
    assert.equal(drift.failed, undefined, explain(drift));
  });
});
