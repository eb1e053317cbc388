/** The CLI: env-file lines on stdout, a working credential, clean SIGTERM/SIGINT, bad flags → exit 2. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { ADMIN_ID_ENV, ADMIN_TOKEN_ENV, parseCli } from "../../emulator/cli";

const root = resolve(__dirname, "..", "..");
const CLI = ["--import", "tsx", "emulator/cli.ts"];
/** How long a spawned CLI may take to start before the test fails. */
const STARTUP_DEADLINE_MS = 90_000;

function startCli(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; env: Record<string, string>; stdout: () => string }> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...extraEnv },
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((res, rej) => {
    // A deadline for giving up, not a race: on a loaded machine `tsx` alone can take 15 s to start.
    // On giving up the child is killed: left running, it would keep the test process alive.
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      rej(new Error(`CLI did not start: ${err}`));
    }, STARTUP_DEADLINE_MS);
    child.on("exit", (code) => rej(new Error(`CLI exited early (${code}): ${err}`)));
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const lines = out.split("\n").filter((l) => l !== "");
      if (lines.length >= 4) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        const env = Object.fromEntries(
          lines.map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
        res({ child, env, stdout: () => out });
      }
    });
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((res) => child.on("exit", (code) => res(code)));
}

describe("CLI", { concurrency: true }, () => {
  test("prints exactly the four env lines, serves the API with them, and exits 0 on SIGTERM", async () => {
    const { child, env, stdout } = await startCli(["--port", "0", "--quiet", "--ready-delay", "10"]);
    try {
      assert.deepEqual(Object.keys(env), [
        "PLANETSCALE_API_URL",
        "PLANETSCALE_ORG",
        "PLANETSCALE_SERVICE_TOKEN_ID",
        "PLANETSCALE_SERVICE_TOKEN",
      ]);
      assert.match(env["PLANETSCALE_API_URL"] ?? "", /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.equal(env["PLANETSCALE_ORG"], "acme");
      assert.match(env["PLANETSCALE_SERVICE_TOKEN"] ?? "", /^pscale_tkn_/);
      const r = await fetch(`${env["PLANETSCALE_API_URL"]}/organizations/acme/databases/app/branches`, {
        headers: {
          authorization: `${env["PLANETSCALE_SERVICE_TOKEN_ID"]}:${env["PLANETSCALE_SERVICE_TOKEN"]}`,
        },
      });
      assert.equal(r.status, 200);
      const body = (await r.json()) as { data: { name: string }[] };
      assert.equal(body.data[0]?.name, "main");
    } finally {
      const exited = exitOf(child);
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    }
    assert.equal(
      stdout()
        .split("\n")
        .filter((l) => l !== "").length,
      4,
      "nothing else on stdout",
    );
  });

  test("honours --seed, --admin-token-id/--admin-token, --state, and exits 0 on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ps-emu-cli-"));
    try {
      const seed = join(dir, "seed.json");
      writeFileSync(
        seed,
        JSON.stringify({ organizations: [{ name: "initech", databases: [{ name: "tps" }] }] }),
      );
      const { child, env } = await startCli([
        "--seed",
        seed,
        "--state",
        join(dir, "state.json"),
        "--admin-token-id",
        "fixedadmin01",
        "--admin-token",
        "pscale_tkn_fixed",
        "--fail-rate",
        "500=0",
        "--fail-rate",
        "503=0",
        "--drop-rate",
        "0",
        "--latency",
        "0",
        "--jitter",
        "0",
        "--rate-limit",
        "100",
        "--quiet",
      ]);
      assert.equal(env["PLANETSCALE_ORG"], "initech");
      assert.equal(env["PLANETSCALE_SERVICE_TOKEN_ID"], "fixedadmin01");
      const r = await fetch(`${env["PLANETSCALE_API_URL"]}/organizations/initech/databases/tps`, {
        headers: { authorization: "Bearer pscale_tkn_fixed" },
      });
      assert.equal(r.status, 200);
      const exited = exitOf(child);
      child.kill("SIGINT");
      assert.equal(await exited, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad flags: clear message and exit 2 (checked in-process, plus one real run); --help exits 0", () => {
    for (const args of [
      ["--bogus"],
      ["--port", "abc"],
      ["--port", "70000"],
      ["--fail-rate", "418=0.5"],
      ["--fail-rate", "500=2"],
      ["--drop-rate", "x"],
      ["--admin-token-id", "only-id"],
      ["--host", "0.0.0.0"],
      ["--seed", "/nonexistent/seed.json"],
      ["stray-positional"],
    ]) {
      assert.throws(() => parseCli(args, {}), /./, args.join(" "));
    }
    assert.deepEqual(parseCli(["--fail-rate", "429=0.1", "--fail-rate", "502=0.2", "--latency", "5"]), {
      faults: { latencyMs: 5, statusProbability: { "429": 0.1, "502": 0.2 } },
    });
    const bad = spawnSync(process.execPath, [...CLI, "--fail-rate", "418=0.5"], {
      cwd: root,
      encoding: "utf8",
      timeout: STARTUP_DEADLINE_MS,
    });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /pulumi-planetscale-emulator: --fail-rate expects STATUS=P/);
    assert.equal(bad.stdout, "");
    const help = spawnSync(process.execPath, [...CLI, "--help"], {
      cwd: root,
      encoding: "utf8",
      timeout: STARTUP_DEADLINE_MS,
    });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--fail-rate STATUS=P/);
  });
});

// Sequential: spawning several CLIs at once on a loaded machine only slows each one down.
describe("CLI: admin credential sources and remote hosts", () => {
  test("takes the admin secret from a file or the environment instead of argv", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ps-emu-cli-"));
    try {
      const file = join(dir, "admin-token");
      writeFileSync(file, "pscale_tkn_from_file\n");
      assert.deepEqual(parseCli(["--admin-token-id", "fileadmin01", "--admin-token-file", file], {}), {
        adminToken: { id: "fileadmin01", token: "pscale_tkn_from_file" },
      });
      const env = { [ADMIN_ID_ENV]: "envadmin01", [ADMIN_TOKEN_ENV]: "pscale_tkn_from_env" };
      assert.deepEqual(parseCli([], env), { adminToken: { id: "envadmin01", token: "pscale_tkn_from_env" } });
      // A flag wins over the environment.
      assert.deepEqual(parseCli(["--admin-token-file", file], env), {
        adminToken: { id: "envadmin01", token: "pscale_tkn_from_file" },
      });
      for (const [args, envs, message] of [
        [["--admin-token-id", "x", "--admin-token", "a", "--admin-token-file", file], {}, /not both/],
        [["--admin-token-id", "x"], {}, /needs both an id .* and a secret/],
        [[], { [ADMIN_TOKEN_ENV]: "pscale_tkn_x" }, /needs both an id/],
        [["--admin-token-id", "x", "--admin-token-file", join(dir, "missing")], {}, /cannot read .*ENOENT/],
      ] as const) {
        assert.throws(() => parseCli([...args], envs), message, args.join(" "));
      }
      // A real run: the credential from the environment works, and never appears in argv.
      const { child, env: lines } = await startCli(["--quiet"], env);
      try {
        assert.equal(lines["PLANETSCALE_SERVICE_TOKEN_ID"], "envadmin01");
        const r = await fetch(`${lines["PLANETSCALE_API_URL"]}/organizations`, {
          headers: { authorization: "envadmin01:pscale_tkn_from_env" },
        });
        assert.equal(r.status, 200);
      } finally {
        const exited = exitOf(child);
        child.kill("SIGTERM");
        await exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a non-loopback --host needs --allow-remote, and then warns", async () => {
    assert.throws(() => parseCli(["--host", "0.0.0.0"], {}), /not a loopback address.*--allow-remote/);
    assert.throws(() => parseCli(["--host", "192.168.1.20"], {}), /--allow-remote/);
    assert.deepEqual(parseCli(["--host", "0.0.0.0", "--allow-remote"], {}), {
      host: "0.0.0.0",
      allowRemote: true,
    });
    for (const host of ["127.0.0.1", "localhost", "::1", "127.0.0.2"]) {
      assert.deepEqual(parseCli(["--host", host], {}), { host });
    }
    const refused = spawnSync(process.execPath, [...CLI, "--host", "0.0.0.0"], {
      cwd: root,
      encoding: "utf8",
      timeout: STARTUP_DEADLINE_MS,
    });
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /--allow-remote/);
    // With the flag it starts (on every interface) and says so on stderr.
    const child = spawn(process.execPath, [...CLI, "--host", "0.0.0.0", "--allow-remote", "--quiet"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    try {
      await new Promise<void>((res, rej) => {
        child.on("exit", (code) => rej(new Error(`exited ${code}: ${err}`)));
        child.stderr?.on("data", (d: Buffer) => {
          err += d.toString();
          if (err.includes("listening on")) res();
        });
      });
      assert.match(err, /WARNING: listening on 0\.0\.0\.0, not loopback/);
    } finally {
      child.removeAllListeners("exit");
      const exited = exitOf(child);
      child.kill("SIGTERM");
      await exited;
    }
  });
});
