// Level 4, what a user reads when something is wrong, through the real Pulumi CLI on a JavaScript
// program (no typechecker between the program and the provider), run as a user runs it: a project
// directory, `pulumi` on PATH (this repository's launcher), a file backend. Each message is shown
// once, under the resource it belongs to, every problem of a resource's inputs at once; and
// credentials kept in plaintext or split between the stack config and the environment fail
// `pulumi preview` with the command that fixes them.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { type ProcessResult, runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

/** The "Diagnostics:" section of a command's output: what Pulumi prints about each failure. */
function diagnostics(output: string): string {
  const start = output.indexOf("\nDiagnostics:\n");
  if (start < 0) return "";
  const end = output.slice(start + 1).search(/\n(Resources|Outputs|Duration):/);
  return end < 0 ? output.slice(start) : output.slice(start, start + 1 + end);
}

/** How many times `text` appears in `haystack`. */
function count(haystack: string, text: string): number {
  return haystack.split(text).length - 1;
}

/** The part of the diagnostics about one resource (`pulumi:pulumi:Stack (…)` for the stack). */
function diagnosticsOf(output: string, header: RegExp): string {
  const sections = diagnostics(output).split(/\n {2}(?=\S)/);
  return sections.filter((s) => header.test(s.split("\n")[0] ?? "")).join("\n");
}

describe("what a user reads when something is wrong", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  /** `pulumi <args>` in the project, as typed in a shell; `extra` adds to the environment. */
  const pulumi = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<ProcessResult> =>
    runProcess("pulumi", [...args, "--non-interactive"], {
      cwd: join(dir, "project"),
      env: { ...env, ...extra },
    });
  const program = (source: string) => writeFileSync(join(dir, "project", "index.js"), source);
  const preview = async (extra: NodeJS.ProcessEnv = {}) => {
    const r = await pulumi(["preview"], extra);
    return { ...r, output: `${r.stdout}\n${r.stderr}` };
  };

  before(async () => {
    emu = await emulator();
    dir = mkdtempSync(join(tmpdir(), "pps-messages-"));
    const project = join(dir, "project");
    mkdirSync(project);
    mkdirSync(join(dir, "state"));
    writeFileSync(join(project, "Pulumi.yaml"), "name: messages\nruntime: nodejs\n");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "messages", main: "index.js" }));
    // `pulumi-planetscale` and `@pulumi/pulumi` resolve as if installed (this repository links itself).
    symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");
    env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PULUMI_|PLANETSCALE_)/.test(k))),
      PATH: [join(repoRoot, "scripts", "bin"), process.env["PATH"] ?? ""].join(delimiter),
      PULUMI_PLANETSCALE_CLI_DIR: cliDir,
      PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "messages",
      PULUMI_HOME: join(dir, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    // One `config set-all` rather than four `config set`: each CLI start costs about a second.
    for (const args of [
      ["stack", "init", "dev"],
      [
        "config",
        "set-all",
        "--plaintext",
        `planetscale:apiUrl=${emu.apiUrl}`,
        "--plaintext",
        `planetscale:organization=${emu.organization}`,
        "--plaintext",
        `planetscale:serviceTokenId=${emu.adminCredential.id}`,
        "--secret",
        `planetscale:serviceToken=${emu.adminCredential.token}`,
      ],
    ]) {
      const r = await pulumi(args);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  // No closing destroy: what a test left deployed is in this process's emulator, which stops here.
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a misspelt key and another mistake: both listed, the key with a suggestion, each once, no API call", async () => {
    program(`const ps = require("pulumi-planetscale");
new ps.Branch("typos", { database: "app", parentBrnch: "main", name: "PR_7" });
`);
    emu.clearRequests();
    const r = await preview();
    assert.notEqual(r.code, 0, r.output);
    const shown = diagnosticsOf(r.output, /Branch \(typos\)/);
    assert.equal(count(shown, 'Unrecognized key "parentBrnch": did you mean "parentBranch"?'), 1, shown);
    assert.equal(count(shown, "name 'PR_7' is not a valid PlanetScale branch name"), 1, shown);
    assert.deepEqual(emu.requests(), []);
  });

  test("a failure of check is shown once, under the resource, its cause once; nothing on the stack's line", async () => {
    program(`const ps = require("pulumi-planetscale");
new ps.Branch("lost", { database: "nope", name: "pr-7" });
`);
    const r = await preview();
    assert.notEqual(r.code, 0, r.output);
    const message = 'database "nope" was not found in organization "acme"';
    const cause = "caused by: GET /organizations/acme/databases/nope → 404";
    const shown = diagnosticsOf(r.output, /Branch \(lost\)/);
    assert.equal(count(shown, message), 1, r.output);
    assert.equal(count(shown, cause), 1, r.output);
    assert.equal(count(diagnostics(r.output), message), 1, r.output);
    assert.equal(count(diagnosticsOf(r.output, /pulumi:pulumi:Stack/), "not found"), 0, r.output);
    // Pulumi's progress line and its Diagnostics: no other copy.
    assert.equal(count(r.output, message), 2, r.output);
    assert.ok(!r.output.includes("    at "), "no stack trace");
  });

  test("a failure of delete is shown once too: a protected branch that destroy must keep", async () => {
    // `protect: false` keeps Pulumi's own refusal out of the way: the subject is PlanetScale's.
    program(`const ps = require("pulumi-planetscale");
new ps.Branch("kept", { database: "app", name: "pr-8", deletionProtected: true }, { protect: false });
`);
    const up = await pulumi(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const r = await pulumi(["destroy", "--yes", "--skip-preview"]);
    const output = `${r.stdout}\n${r.stderr}`;
    assert.notEqual(r.code, 0, output);
    const shown = diagnosticsOf(output, /Branch \(kept\)/);
    assert.equal(count(shown, "deletion-protected"), 1, output);
    assert.equal(count(diagnosticsOf(output, /pulumi:pulumi:Stack/), "deletion-protected"), 0, output);
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/app/branches/pr-8")).status, 200);
    // The branch stays (no closing destroy, see above); that unprotected it goes is protection.test.ts's.
  });

  test("a service token stored in plaintext fails preview with the command that encrypts it, which works", async () => {
    program(`const ps = require("pulumi-planetscale");
new ps.Branch("clear", { database: "app", name: "pr-9" });
`);
    const token = emu.adminCredential.token;
    assert.equal((await pulumi(["config", "set", "--plaintext", "planetscale:serviceToken", token])).code, 0);
    emu.clearRequests();
    const r = await preview();
    assert.notEqual(r.code, 0, r.output);
    const fix =
      'pulumi config set --secret planetscale:serviceToken "$(pulumi config get planetscale:serviceToken)"';
    const shown = diagnostics(r.output);
    assert.equal(count(shown, "planetscale:serviceToken is stored in plaintext"), 1, r.output);
    assert.equal(count(shown, fix), 1, r.output);
    assert.match(shown, /Pulumi\.dev\.yaml/);
    assert.ok(!r.output.includes(token), "the token is never printed");
    assert.deepEqual(emu.requests(), []);
    // The command as printed, in a shell.
    const fixed = await runProcess("bash", ["--noprofile", "--norc", "-euo", "pipefail", "-c", fix], {
      cwd: join(dir, "project"),
      env,
    });
    assert.equal(fixed.code, 0, fixed.stderr);
    const again = await preview();
    assert.equal(again.code, 0, again.output);
  });

  test("a service token split between the stack config and the environment is refused, naming both, unless allowed", async () => {
    program(`const ps = require("pulumi-planetscale");
new ps.Branch("split", { database: "app", name: "pr-10" });
`);
    assert.equal((await pulumi(["config", "rm", "planetscale:serviceToken"])).code, 0);
    const fromCi = { PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token };
    emu.clearRequests();
    const r = await preview(fromCi);
    assert.notEqual(r.code, 0, r.output);
    const shown = diagnostics(r.output);
    assert.equal(
      count(
        shown,
        "The service token's id comes from planetscale:serviceTokenId (stack config) and its secret from PLANETSCALE_SERVICE_TOKEN (environment).",
      ),
      1,
      r.output,
    );
    assert.match(shown, /pulumi config set planetscale:allowMixedCredentials true/);
    assert.ok(!r.output.includes(emu.adminCredential.token));
    assert.deepEqual(emu.requests(), []);
    assert.equal((await pulumi(["config", "set", "planetscale:allowMixedCredentials", "true"])).code, 0);
    const allowed = await preview(fromCi);
    assert.equal(allowed.code, 0, allowed.output);
    assert.ok(emu.requests().length > 0, "the preview checked the branch's database with that token");
  });
});
