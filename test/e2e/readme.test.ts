// The README's "Start a new project" sequence, run as written: the shell block between the
// `new-project` markers, in an empty directory, with the package from `npm pack` as $PACKAGE, the
// emulator's four PLANETSCALE_* variables, and `pulumi` being the real Pulumi CLI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";
import { createRunner, type Runner } from "../support/runner";

const repoRoot = join(__dirname, "..", "..");

/** The commands of the README's new-project block, verbatim. */
function newProjectCommands(readme: string): string {
  const block = /<!-- new-project:start -->\s*```sh\n([\s\S]*?)```\s*<!-- new-project:end -->/.exec(readme);
  if (!block?.[1]) throw new Error("README.md has no ```sh block between the new-project markers");
  return block[1];
}

describe("README: start a new project", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let runner: Runner;
  let tarball: string;

  before(async () => {
    emu = await emulator();
    runner = createRunner({}, cliDir ?? "", { stubNpm: false });
    tarball = join(
      runner.checkout,
      execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", runner.checkout], {
        cwd: repoRoot,
        encoding: "utf8",
      })
        .trim()
        .split("\n")
        .pop() ?? "",
    );
  });
  after(async () => {
    await emu?.stop();
    runner?.cleanup();
  });

  test("the commands run as written and create the branch and the token", async () => {
    const commands = newProjectCommands(readFileSync(join(repoRoot, "README.md"), "utf8"));
    const r = await runProcess("bash", ["--noprofile", "--norc", "-euo", "pipefail", "-c", commands], {
      cwd: runner.checkout,
      env: runner.baseEnv({
        PACKAGE: tarball,
        PLANETSCALE_API_URL: emu.apiUrl,
        PLANETSCALE_ORG: emu.organization,
        PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
        PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
        // Use npm's cache where it can (the commands are unchanged).
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
      }),
    });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.code, 0, output);
    assert.match(r.stdout, /^https:\/\/app\.planetscale\.com\/acme\/app\/pr-1$/m);
    assert.ok(!output.includes(emu.adminCredential.token));
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/app/branches/pr-1")).status, 200);
    const tokens = await call(emu, "GET", "/organizations/acme/service-tokens");
    assert.deepEqual(
      (tokens.body.data as Array<{ name: string }>).map((t) => t.name),
      ["pr-1-ci"],
    );
    // `pulumi login` chose the backend: the stack is in the project's .pulumi-state.
    const state = readFileSync(
      join(runner.checkout, "my-infra/.pulumi-state/.pulumi/stacks/my-infra/dev.json"),
      "utf8",
    );
    assert.ok(!state.includes(emu.adminCredential.token));
  });
});
