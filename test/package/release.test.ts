// The release path: what `npm publish` would send (a dry run, no registry needed), the CHANGELOG
// entry of the version, and the tag-triggered release workflow publishing with provenance after
// checking the package and the examples' lockfiles. actionlint validates the workflow itself
// (test/package/workflows.test.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runProcess } from "../support/process";
import { loadWorkflow } from "../support/workflow";

const repoRoot = join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  version: string;
};

describe("the release path", () => {
  test("npm publish --dry-run sends the packed files, with package.json needing no correction", async () => {
    // --ignore-scripts: publish the dist/ that `npm test` has just built.
    const publish = await runProcess("npm", ["publish", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: repoRoot,
    });
    assert.equal(publish.code, 0, publish.stderr);
    // npm rewrites what it finds invalid in package.json on publish (it dropped both `bin`
    // entries once, for a leading "./"); a release must publish package.json as written.
    assert.doesNotMatch(publish.stderr, /errors corrected|invalid and removed/, publish.stderr);
    const report = JSON.parse(publish.stdout)[pkg.name] as { id: string; files: { path: string }[] };
    assert.equal(report.id, `${pkg.name}@${pkg.version}`);
    const pack = await runProcess("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: repoRoot,
    });
    assert.equal(pack.code, 0, pack.stderr);
    const packed = (JSON.parse(pack.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
    assert.deepEqual(report.files.map((f) => f.path).sort(), packed.sort());
  });

  test("CHANGELOG.md has a section for the version in package.json", () => {
    const changelog = readFileSync(join(repoRoot, "CHANGELOG.md"), "utf8");
    assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, "\\.")}\\]`, "m"));
  });

  test("a version tag publishes with provenance, after checking the package and the examples", () => {
    const workflow = loadWorkflow(join(repoRoot, ".github/workflows/release.yml"));
    assert.deepEqual(workflow.on, { push: { tags: ["v*.*.*"] } });
    const job = workflow.jobs["publish"];
    assert.ok(job, "a publish job");
    assert.equal(job.permissions?.["id-token"], "write", "provenance is signed with the job's OIDC token");
    const runs = job.steps.map((s) => s.run ?? "");
    const at = (pattern: RegExp) => runs.findIndex((r) => pattern.test(r));
    const publish = at(/^npm publish --provenance --access public$/);
    assert.ok(publish >= 0, runs.join("\n"));
    for (const check of [
      /^npm ci$/,
      /v\$version/,
      /test\/package\/\*\.test\.ts/,
      /examples:lock -- --check --release/,
    ]) {
      const i = at(check);
      assert.ok(i >= 0 && i < publish, `${check} runs before npm publish`);
    }
  });
});
