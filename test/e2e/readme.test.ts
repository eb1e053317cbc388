// The README's "Start a new project" sequence, run as written in a fresh shell: the one documented
// step that gives a clone's shell a `pulumi` (between the `pulumi-command` markers, run in this
// repository), then the block between the `new-project` markers in an empty directory, with the
// package from `npm pack` as $PACKAGE and the emulator's four PLANETSCALE_* variables. The shell
// starts with no `pulumi` on PATH, no Pulumi settings and a home of its own.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { packTree } from "../../scripts/lib/local-registry.mjs";
import { call } from "../support/api";
import { cachedCliDir } from "../support/cli-cache";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

/** The commands of the README's ```sh block between `<!-- name:start -->` and `<!-- name:end -->`. */
function readmeBlock(readme: string, name: string): string {
  const block = new RegExp(
    `<!-- ${name}:start -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`,
  ).exec(readme);
  if (!block?.[1]) throw new Error(`README.md has no \`\`\`sh block between the ${name} markers`);
  return block[1];
}

describe("README: start a new project", { skip: skipWithoutCli }, () => {
  let emu: Emulator;
  let dir: string;
  let tarball: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    emu = await emulator();
    dir = mkdtempSync(join(tmpdir(), "pps-readme-"));
    tarball = packTree(dir);
    // The CLI cache as a first run of the launcher leaves it (here: the CLI the suite uses).
    const version = execFileSync(join(cliDir ?? "", "pulumi"), ["version"], { encoding: "utf8" }).trim();
    const cached = cachedCliDir(join(dir, "cache"), version);
    mkdirSync(cached, { recursive: true });
    symlinkSync(join(cliDir ?? "", "pulumi"), join(cached, "pulumi"));
    mkdirSync(join(dir, "home"));
    mkdirSync(join(dir, "work"));
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(PULUMI_|PLANETSCALE_|INIT_CWD$|npm_)/i.test(k)),
    );
    env = {
      ...inherited,
      // No `pulumi` and none of this repository's tools on PATH.
      PATH: (process.env["PATH"] ?? "")
        .split(delimiter)
        .filter((p) => p !== "" && !p.includes("node_modules") && p !== cliDir)
        .join(delimiter),
      HOME: join(dir, "home"),
      PULUMI_PLANETSCALE_CACHE: join(dir, "cache"),
      PACKAGE: tarball,
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: emu.organization,
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
      // npm's cache of this machine, and no network where the cache has it (the commands are unchanged).
      npm_config_cache: execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim(),
      npm_config_prefer_offline: "true",
      npm_config_audit: "false",
      npm_config_fund: "false",
      npm_config_update_notifier: "false",
    };
    const pulumiOnPath = await runProcess("bash", ["--noprofile", "--norc", "-c", "command -v pulumi"], {
      env,
    });
    assert.notEqual(pulumiOnPath.code, 0, `the fresh shell already has ${pulumiOnPath.stdout}`);
  });
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("after the one step, the commands run as written and create the branch and the token", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const script = [
      `cd ${JSON.stringify(repoRoot)}`,
      readmeBlock(readme, "pulumi-command"),
      `cd ${JSON.stringify(join(dir, "work"))}`,
      readmeBlock(readme, "new-project"),
    ].join("\n");
    const r = await runProcess("bash", ["--noprofile", "--norc", "-euo", "pipefail", "-c", script], { env });
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
      join(dir, "work/my-infra/.pulumi-state/.pulumi/stacks/my-infra/dev.json"),
      "utf8",
    );
    assert.ok(!state.includes(emu.adminCredential.token));
  });
});
