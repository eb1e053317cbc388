// scripts/pulumi-cli.sh finds the Pulumi CLI whatever `pulumi` is on PATH: a shim that runs
// `npm run pulumi` (which itself asks scripts/pulumi-cli.sh) or this repository's launcher is
// never taken for the CLI, so nothing recurses, and the shim itself then works. The CLI it builds
// is upstream's with one change, checked here: zxcvbn-go's word lists load on first use.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI_BUILD_RECIPE, cachedCliDir } from "../support/cli-cache";
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
    cached = cachedCliDir(join(dir, "cache"), version);
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

describe("the Pulumi CLI scripts/pulumi-cli.sh builds", {
  skip:
    skipWithoutCli ||
    (!cliDir?.endsWith(`-${CLI_BUILD_RECIPE}/bin`) && "the suite's CLI is not this repository's build"),
}, () => {
  const pulumi = join(cliDir ?? "", "pulumi");

  test("starts without decoding zxcvbn-go's word lists (upstream: ~10 MB at every command)", () => {
    const run = spawnSync(pulumi, ["version"], {
      encoding: "utf8",
      env: { ...process.env, GODEBUG: "inittrace=1" },
    });
    assert.equal(run.status, 0, run.stderr);
    // e.g. "init github.com/nbutton23/zxcvbn-go/frequency @8.9 ms, 0 ms clock, 48 bytes, 1 allocs"
    const inits = [
      ...run.stderr.matchAll(/^init (github\.com\/[\w-]+\/zxcvbn-go)\/frequency .* (\d+) bytes/gm),
    ];
    assert.deepEqual(inits.map((m) => m[1]).sort(), [
      "github.com/ccojocar/zxcvbn-go",
      "github.com/nbutton23/zxcvbn-go",
    ]);
    for (const [line, , bytes] of inits) assert.ok(Number(bytes) < 10_000, line);
  });

  test("`pulumi config set` still refuses, in plaintext, a value that looks like a secret", () => {
    const home = mkdtempSync(join(tmpdir(), "pps-cli-zxcvbn-"));
    try {
      mkdirSync(join(home, "project"));
      mkdirSync(join(home, "state"));
      writeFileSync(join(home, "project", "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
      const env = {
        ...process.env,
        PULUMI_HOME: join(home, "home"),
        PULUMI_BACKEND_URL: `file://${join(home, "state")}`,
        PULUMI_CONFIG_PASSPHRASE: "test",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      };
      const cli = (...args: string[]) =>
        spawnSync(pulumi, [...args, "--non-interactive"], {
          cwd: join(home, "project"),
          encoding: "utf8",
          env,
        });
      assert.equal(cli("stack", "init", "dev").status, 0);
      const secret = cli("config", "set", "dbPassword", "Zx8kQ2vL9pW4mN7rT5yB3cD6");
      assert.notEqual(secret.status, 0);
      assert.match(secret.stderr, /config value for 'p:dbPassword' looks like a secret; rerun with --secret/);
      const plain = cli("config", "set", "dbPassword", "password");
      assert.equal(plain.status, 0, plain.stderr);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
