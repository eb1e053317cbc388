// examples/gitops/: environments.yaml declares long-lived branches and tokens; gitops.yml previews
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
    emu = await emulator();
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
    assert.match(result.steps.at(-1)?.output ?? "", /\+ 5 to create/);
    assert.deepEqual(await branchNames(emu), ["main"]);
    assert.deepEqual(await tokenNames(), []);
  });

  test("merge: the apply job creates what environments.yaml declares", async () => {
    const [job, result] = await trigger("push");
    assert.equal(job, "apply");
    assert.equal(result.failed, undefined, explain(result));
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
    const [, result] = await trigger("schedule");
    assert.ok(result.failed, "the drift check must fail");
    assert.match(result.failed.name, /^Drift check/);
    assert.match(result.failed.output, /analytics/);
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
    const [, drift] = await trigger("schedule");
    assert.equal(drift.failed, undefined, explain(drift));
  });
});
