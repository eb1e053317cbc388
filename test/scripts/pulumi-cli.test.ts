// scripts/pulumi-cli.sh finds the Pulumi CLI whatever `pulumi` is on PATH: a shim that runs
// `npm run pulumi` (which itself asks scripts/pulumi-cli.sh) or this repository's launcher is
// never taken for the CLI, so nothing recurses, and the shim itself then works.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { cliDir, skipWithoutCli } from "../support/engine";

const repoRoot = join(__dirname, "..", "..");

/** Runs a command in its own process group; kills the whole group if it outlives `limitMs`. */
function bounded(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    // A recursion never ends by itself: the limit turns it into a failure instead of a hung suite.
    const timer = setTimeout(() => {
      killed = true;
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe("scripts/pulumi-cli.sh with shims on PATH", { skip: skipWithoutCli }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let version: string;
  let cached: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pps-cli-shim-"));
    version = execFileSync(join(cliDir ?? "", "pulumi"), ["version"], { encoding: "utf8" }).trim();
    // The cache as a first build leaves it (here: the CLI the suite uses).
    cached = join(dir, "cache", "cli", version, "bin");
    mkdirSync(cached, { recursive: true });
    symlinkSync(join(cliDir ?? "", "pulumi"), join(cached, "pulumi"));
    // The obvious shim: `pulumi` running this repository's `npm run pulumi`, and the launcher.
    mkdirSync(join(dir, "shim"));
    writeFileSync(
      join(dir, "shim", "pulumi"),
      `#!/usr/bin/env bash\ncd ${JSON.stringify(repoRoot)} && exec npm run --silent pulumi -- "$@"\n`,
    );
    chmodSync(join(dir, "shim", "pulumi"), 0o755);
    mkdirSync(join(dir, "launcher"));
    symlinkSync(join(repoRoot, "scripts", "bin", "pulumi"), join(dir, "launcher", "pulumi"));
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(PULUMI_|INIT_CWD$|npm_)/i.test(k)),
    );
    env = {
      ...inherited,
      PATH: [join(dir, "shim"), join(dir, "launcher"), process.env["PATH"] ?? ""].join(delimiter),
      PULUMI_PLANETSCALE_CACHE: join(dir, "cache"),
      PULUMI_PLANETSCALE_NO_BUILD: "1",
    };
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the shims are passed over for the cached CLI", async () => {
    const r = await bounded("bash", [join(repoRoot, "scripts/pulumi-cli.sh")], env, 120_000);
    assert.equal(r.killed, false, `pulumi-cli.sh did not finish:\n${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split("\n").pop(), cached);
    assert.match(r.stderr, /pulumi at .*\/shim\/pulumi is a shim or not a working Pulumi CLI/);
  });

  test("pulumi through either shim runs the CLI", async () => {
    for (const shim of ["shim", "launcher"]) {
      const r = await bounded(join(dir, shim, "pulumi"), ["version"], env, 120_000);
      assert.equal(r.killed, false, `${shim}: did not finish:\n${r.stderr}`);
      assert.equal(r.code, 0, `${shim}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), version, shim);
    }
  });
});
