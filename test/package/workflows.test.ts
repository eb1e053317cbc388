// Every GitHub Actions workflow of the repository and its examples would run on GitHub: actionlint
// (built from the Go module proxy by scripts/actionlint.sh, cached) finds no error in any of them,
// actions are pinned, and the Pulumi CLI and Node.js versions are the ones this package is tested
// with. The example workflows' steps themselves run in test/examples/.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runProcess } from "../support/process";
import { loadWorkflow } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const inCI = process.env["CI"] === "true" || process.env["CI"] === "1";

/** Every workflow file, repository-relative: .github/workflows/ and each example's. */
function workflowFiles(): string[] {
  const inDir = (dir: string) =>
    readdirSync(join(repoRoot, dir))
      .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
      .map((f) => join(dir, f))
      .filter((f) => /^jobs:/m.test(readFileSync(join(repoRoot, f), "utf8")));
  const examples = readdirSync(join(repoRoot, "examples")).flatMap((d) => inDir(join("examples", d)));
  return [...inDir(join(".github", "workflows")), ...examples].sort();
}

/**
 * Actions pinned by tag rather than by commit, and why: their release commits could not be
 * established where the workflows were written (no access to GitHub's API or git).
 */
const PINNED_BY_TAG: Record<string, string> = {
  "pulumi/actions": "v6",
};

/** actionlint's directory, or why it is not there. */
function actionlint(): { dir?: string; why?: string } {
  const r = spawnSync("bash", [join(repoRoot, "scripts/actionlint.sh")], { encoding: "utf8" });
  if (r.status === 0) return { dir: r.stdout.trim().split("\n").pop() ?? "" };
  return { why: r.stderr.trim() };
}

describe("the workflow files", () => {
  const files = workflowFiles();

  test("there are the release workflow and one per example", () => {
    assert.deepEqual(files, [
      ".github/workflows/release.yml",
      "examples/gitops/gitops.yml",
      "examples/preview-environment/preview-environment.yml",
    ]);
  });

  test("actionlint finds nothing", async (t) => {
    const tool = actionlint();
    if (!tool.dir) {
      // CI provides everything; elsewhere, without Go, say so loudly instead of passing quietly.
      if (inCI) assert.fail(`actionlint could not be provided: ${tool.why}`);
      t.skip(`actionlint could not be provided (${tool.why}): install Go to run this check`);
      return;
    }
    // Without shellcheck and pyflakes, which this machine may or may not have: same result everywhere.
    const r = await runProcess(
      join(tool.dir, "actionlint"),
      ["-no-color", "-shellcheck=", "-pyflakes=", ...files],
      {
        cwd: repoRoot,
      },
    );
    assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  });

  test("every action is pinned by commit (with its version in a comment), the same everywhere", () => {
    const pins = new Map<string, string>();
    for (const file of files) {
      for (const line of readFileSync(join(repoRoot, file), "utf8").split("\n")) {
        const uses = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!uses) continue;
        const [action = "", ref = ""] = (uses[1] ?? "").split("@");
        if (PINNED_BY_TAG[action] !== undefined) assert.equal(ref, PINNED_BY_TAG[action], `${file}: ${line}`);
        else {
          assert.match(ref, /^[0-9a-f]{40}$/, `${file}: ${action} is not pinned by commit`);
          assert.match(
            uses[2] ?? "",
            /^ # v\d+\.\d+\.\d+$/,
            `${file}: ${action}@${ref} has no '# vX.Y.Z' comment`,
          );
        }
        const pin = `${ref}${uses[2] ?? ""}`;
        assert.equal(pins.get(action) ?? pin, pin, `${file}: ${action} is pinned differently elsewhere`);
        pins.set(action, pin);
      }
    }
    assert.ok(pins.size > 0);
  });

  test("the Pulumi CLI is pinned to the tested version; Node to the supported one, with npm's cache", () => {
    const sdk = JSON.parse(
      readFileSync(join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version;
    const engines = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).engines.node as string;
    const nodeMajor = /\d+/.exec(engines)?.[0];
    for (const file of files) {
      const workflow = loadWorkflow(join(repoRoot, file));
      for (const [name, job] of Object.entries(workflow.jobs)) {
        for (const step of job.steps) {
          const action = step.uses?.split("@")[0];
          if (action === "pulumi/actions")
            assert.equal(String(step.with?.["pulumi-version"]), sdk, `${file} ${name}`);
          if (action === "actions/setup-node") {
            assert.equal(String(step.with?.["node-version"]), nodeMajor, `${file} ${name}`);
            assert.equal(step.with?.["cache"], "npm", `${file} ${name}`);
          }
        }
      }
    }
  });
});
