// examples/github-actions/preview-environment.yml, run as written: its jobs' shell steps in order,
// with `pulumi` being the real Pulumi CLI, against the emulator, for a pull request that is
// opened, updated and closed, and one whose credential is wrong.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { createRunner, type Runner } from "../support/runner";
import { type Contexts, type JobResult, loadWorkflow, runJob, substitute } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const workflow = loadWorkflow(join(repoRoot, "examples/github-actions/preview-environment.yml"));

function explain(result: JobResult): string {
  return result.steps.map((s) => `--- ${s.name} (exit ${s.code})\n${s.output}`).join("\n");
}

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
    for (const name of ["PLANETSCALE_SERVICE_TOKEN", "PULUMI_CONFIG_PASSPHRASE"]) {
      assert.equal(workflow.env?.[name], `\${{ secrets.${name} }}`);
    }
  });
});

describe("a pull request's preview environment, by the workflow", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let runner: Runner;
  let secrets: Record<string, string>;

  const event = (action: string, number = 42, overrides: Record<string, string> = {}): Contexts => ({
    github: { event_name: "pull_request", event: { action, pull_request: { number } } },
    secrets: { ...secrets, ...overrides },
    vars: { PLANETSCALE_ORG: emu.organization },
  });
  /** Runs every job of the workflow for one event; returns the results of those that ran. */
  async function trigger(contexts: Contexts): Promise<Record<string, JobResult>> {
    const results: Record<string, JobResult> = {};
    for (const job of Object.keys(workflow.jobs)) {
      const result = await runJob(workflow, job, {
        contexts,
        checkout: runner.checkout,
        // The runner points the provider at the emulator; everything else comes from the workflow.
        baseEnv: runner.baseEnv({ PLANETSCALE_API_URL: emu.apiUrl }),
      });
      if (result.ran) results[job] = result;
    }
    return results;
  }
  async function tokenNames(): Promise<string[]> {
    const res = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
    return (res.body.data as Array<{ name: string }>).map((t) => t.name).sort();
  }

  before(async () => {
    emu = await emulator();
    runner = createRunner(
      {
        "Pulumi.yaml": "name: preview-environment\nruntime: nodejs\n",
        "package.json": JSON.stringify({ name: "infra", private: true, main: "index.ts" }),
        "index.ts": { from: "examples/preview-environment/index.ts" },
        "tsconfig.json": { from: "examples/preview-environment/tsconfig.json" },
      },
      cliDir ?? "",
    );
    secrets = {
      PULUMI_BACKEND_URL: runner.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: "ci-passphrase",
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    };
  });
  after(async () => {
    await emu?.stop();
    runner?.cleanup();
  });

  test("opened: the deploy job creates branch pr-42 and its token in stack pr-42", async () => {
    const results = await trigger(event("opened"));
    assert.deepEqual(Object.keys(results), ["deploy"]);
    const deploy = results["deploy"] as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    assert.match(deploy.steps.at(-1)?.output ?? "", /^pr-42$/m);
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
    assert.deepEqual(await tokenNames(), ["pr-42-ci"]);
  });

  test("synchronize: nothing to change, nothing duplicated", async () => {
    const deploy = (await trigger(event("synchronize"))).deploy as JobResult;
    assert.equal(deploy.failed, undefined, explain(deploy));
    const preview = deploy.steps.find((s) => s.name.startsWith("Preview"));
    // The stack, the branch, its password and the token: all four unchanged.
    assert.match(preview?.output ?? "", /4 unchanged/);
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
    assert.deepEqual(await tokenNames(), ["pr-42-ci"]);
  });

  test("a wrong credential fails the preview step, before anything is deployed", async () => {
    const deploy = (await trigger(event("opened", 43, { PLANETSCALE_SERVICE_TOKEN: "pscale_tkn_wrong" })))
      .deploy as JobResult;
    assert.ok(deploy.failed, "the job must fail");
    assert.match(deploy.failed.name, /^Preview/);
    assert.match(deploy.failed.output, /rejected the credential/);
    assert.ok(!deploy.failed.output.includes("pscale_tkn_wrong"));
    assert.ok(!deploy.steps.some((s) => s.name === "Deploy"));
    assert.deepEqual(await branchNames(emu), ["main", "pr-42"]);
  });

  test("closed: the destroy job removes only pr-42's environment and its stack", async () => {
    const results = await trigger(event("closed"));
    assert.deepEqual(Object.keys(results), ["destroy"]);
    const destroy = results["destroy"] as JobResult;
    assert.equal(destroy.failed, undefined, explain(destroy));
    assert.deepEqual(await branchNames(emu), ["main"]);
    assert.deepEqual(await tokenNames(), []);
    // The stack is gone too: closing again finds nothing to destroy and succeeds.
    const again = (await trigger(event("closed"))).destroy as JobResult;
    assert.equal(again.failed, undefined, explain(again));
    assert.match(again.steps.at(-1)?.output ?? "", /no stack pr-42: nothing to destroy/);
  });
});
