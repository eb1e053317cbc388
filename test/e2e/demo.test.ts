// `npm run demo`: one stack per pull request, and a pull request's schema change going from its
// branch to main. The demo runs as a user runs it (a child process, the real Pulumi CLI, its own
// emulator), with its state directory isolated through PULUMI_PLANETSCALE_DEMO_DIR so a developer's
// .demo/ is never touched.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { cliDir, skipWithoutCli } from "../support/engine";
import { type ProcessResult, runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");
/** Pulumi writes each stack's config next to Pulumi.yaml: kept aside and put back after the test. */
const stackConfigs = ["Pulumi.pr-123.yaml", "Pulumi.pr-42.yaml"].map((f) => join(repoRoot, f));

/** The rows (cells) of the table printed under the demo's `== <title>` header. */
function rows(output: string, title: string): string[][] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the demo's bold headers are ANSI escapes
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const start = plain.lastIndexOf(`== ${title}`);
  assert.ok(start >= 0, `no "${title}" in the demo's output:\n${plain}`);
  const body = plain.slice(start).split("\n").slice(1);
  const end = body.findIndex((l) => l.startsWith("== "));
  return body
    .slice(0, end < 0 ? undefined : end)
    .slice(1) // the header row
    .map((l) => l.trim().split(/\s+/))
    .filter((cells) => cells[0] !== "");
}

/** The first column of {@link rows}, sorted: stack or branch names. */
function table(output: string, title: string): string[] {
  return rows(output, title)
    .map((cells) => cells[0] ?? "")
    .sort();
}

describe("npm run demo: one stack per pull request", { skip: skipWithoutCli }, () => {
  let demoDir: string;
  const saved = new Map<string, string>();
  let env: NodeJS.ProcessEnv;
  /** What the first `npm run demo` (pr-123's up, its migration and `up --refresh`) printed. */
  let firstUp = "";

  before(() => {
    demoDir = mkdtempSync(join(tmpdir(), "pps-demo-"));
    for (const file of stackConfigs) {
      if (existsSync(file)) {
        saved.set(file, readFileSync(file, "utf8"));
        rmSync(file);
      }
    }
    env = {
      ...process.env,
      PULUMI_PLANETSCALE_DEMO_DIR: demoDir,
      PULUMI_PLANETSCALE_DEMO_READY_DELAY_MS: "0",
      PULUMI_PLANETSCALE_CLI_DIR: cliDir,
    };
    // The demo's own default passphrase, as a new user runs it: the stack files it writes next to
    // Pulumi.yaml then still open with that default if this test is killed before `after`.
    delete env["PULUMI_CONFIG_PASSPHRASE"];
  });
  after(() => {
    for (const file of stackConfigs) rmSync(file, { force: true });
    for (const [file, text] of saved) writeFileSync(file, text);
    rmSync(demoDir, { recursive: true, force: true });
  });

  const demo = async (...args: string[]): Promise<ProcessResult> => {
    const r = await runProcess(process.execPath, [join(repoRoot, "scripts/demo.mjs"), ...args], {
      cwd: repoRoot,
      env,
    });
    assert.equal(r.code, 0, `npm run demo -- ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  test("a no-change preview asks PlanetScale nothing; --pr 42 adds a second environment; destroy --pr 42 removes only it", async () => {
    const first = await demo();
    firstUp = first.stdout;
    assert.deepEqual(table(first.stdout, "Live preview environments"), ["pr-123"]);
    assert.ok(table(first.stdout, "Branches of acme/app").includes("pr-123"));
    assert.match(first.stdout, /pulumi up sent \d+ requests to the PlanetScale API \(\d+ GET, \d+ POST/);
    // The follow-up the demo suggests, and what it really checks: the program against the state.
    assert.match(first.stdout, /npm run demo -- preview\s+no changes: the program matches the stack's state/);
    const preview = await demo("preview");
    // The stack, the branch, its password, the token and the deploy request.
    assert.match(preview.stdout, /5 unchanged/);
    assert.match(
      preview.stdout,
      /pulumi preview sent 0 requests to the PlanetScale API: it compared the program with the stack's state only/,
    );

    const second = await demo("--pr", "42");
    assert.deepEqual(table(second.stdout, "Live preview environments"), ["pr-123", "pr-42"]);
    const both = table(second.stdout, "Branches of acme/app");
    assert.ok(both.includes("pr-123") && both.includes("pr-42"), both.join(", "));
    // pr-123's stack still has its resources: the second pull request did not take them over.
    const resources = rows(second.stdout, "Live preview environments").find((r) => r[0] === "pr-123");
    assert.ok(Number(resources?.[1]) > 0, JSON.stringify(resources));

    const gone = await demo("destroy", "--pr", "42");
    assert.deepEqual(table(gone.stdout, "Live preview environments"), ["pr-123"]);
    const left = table(gone.stdout, "Branches of acme/app");
    assert.ok(left.includes("pr-123") && !left.includes("pr-42"), left.join(", "));
    // The state stayed in the isolated directory.
    assert.ok(existsSync(join(demoDir, "pulumi-state")) && existsSync(join(demoDir, "emulator-state.json")));
  });

  test("a pull request's schema change: shown after its migration, deployed to main on merge", async () => {
    // pr-123's up (the test above) ran its migration on its branch, then `up --refresh`: its deploy
    // request shows the change, as the comment the workflow posts on the pull request.
    assert.match(firstUp, /### Schema change: \[deploy request #\d+\]/);
    assert.match(firstUp, /CREATE TABLE `pr_123_notes`/);
    const shown = await demo("refresh");
    assert.ok(!table(shown.stdout, "Tables of acme/app's main").includes("pr_123_notes"), "not deployed yet");
    const merged = await demo("merge");
    assert.match(merged.stdout, /deploying 1 operation\(s\)/);
    assert.match(merged.stdout, /is live/);
    assert.ok(table(merged.stdout, "Tables of acme/app's main").includes("pr_123_notes"));
    assert.match(merged.stdout, /Live preview environments[^\n]*\n\s+\(none\)/);
    assert.ok(!table(merged.stdout, "Branches of acme/app").includes("pr-123"));
  });
});
