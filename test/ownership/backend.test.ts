// Reading a state backend through the real Pulumi CLI (file backend): every stack of every project,
// what each holds and is creating, who holds a stack's lock, releasing it, an empty attribute file
// left by a killed CLI, and a missing CLI.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { redactBackendCredentials, redactBackendUrl } from "../../provider/internal/backend/backend-url";
import { PulumiCliError, PulumiCliMissingError } from "../../provider/internal/backend/errors";
import { BackendEvidence, holdingsOf } from "../../provider/internal/backend/evidence";
import { cancelLocks, parseLockError, probeLocks } from "../../provider/internal/backend/locks";
import { PulumiCli } from "../../provider/internal/backend/pulumi-cli";
import { exportStack, listStacks } from "../../provider/internal/backend/stacks";
import { moveEmptyAttrsAside } from "../../provider/internal/backend/truncated-attrs";
import { cliDir, skipWithoutCli } from "../support/engine";

const BRANCH = "pulumi-nodejs:dynamic/planetscale:Branch";
const TOKEN = "pulumi-nodejs:dynamic/planetscale:ApiToken";

describe("backend URLs never carry their credentials into what is written or shown", () => {
  test("user, password and secret query values are masked", () => {
    assert.equal(
      redactBackendUrl("postgres://ci:s3cr%40t@db:5432/state?sslmode=require&password=p2"),
      "postgres://****:****@db:5432/state?sslmode=require&password=****",
    );
    assert.equal(redactBackendUrl("file:///home/ci/state"), "file:///home/ci/state");
    assert.equal(
      redactBackendUrl("s3://bucket?region=x&secret_access_key=abc"),
      "s3://bucket?region=x&secret_access_key=****",
    );
    assert.equal(redactBackendUrl("not a url"), "****");
  });

  test("a CLI message quoting the URL or its password loses them", () => {
    const url = "postgres://ci:hunter22@db/state";
    const said = redactBackendCredentials(`failed to connect to ${url}: password hunter22 rejected`, url);
    assert.ok(!said.includes("hunter22"));
    assert.match(said, /postgres:\/\/\*\*\*\*:\*\*\*\*@db\/state/);
  });
});

describe("what a checkpoint holds", () => {
  test("resources' ids, pending updates' ids, and pending creates by their inputs", () => {
    const h = holdingsOf("organization/p/s", {
      version: 3,
      deployment: {
        resources: [
          {
            urn: "u1",
            type: BRANCH,
            id: "br-1",
            outputs: { organization: "acme", database: "app", name: "pr-1" },
          },
          { urn: "u2", type: "aws:s3/bucket:Bucket", id: "not-ours" },
        ],
        pending_operations: [
          {
            type: "creating",
            resource: { urn: "u3", type: TOKEN, inputs: { organization: "acme", name: "pr-1-ci" } },
          },
          { type: "deleting", resource: { urn: "u4", type: BRANCH, id: "br-2" } },
        ],
      },
    });
    assert.deepEqual([...h.ids].sort(), ["br-1", "br-2"]);
    assert.deepEqual(h.creating, [
      { kind: "serviceToken", organization: "acme", database: undefined, branch: undefined, name: "pr-1-ci" },
    ]);
  });

  test("a pending create whose inputs lack a field protects every object it might make", () => {
    const evidence = BackendEvidence.of(
      new Map([
        [
          "organization/p/s",
          {
            version: 3,
            deployment: {
              pending_operations: [
                { type: "creating", resource: { urn: "u", type: BRANCH, inputs: { name: "pr-2" } } },
              ],
            },
          },
        ],
      ]),
    );
    assert.deepEqual(
      evidence.creators({ kind: "branch", organization: "acme", database: "app", name: "pr-2" }),
      ["organization/p/s"],
    );
    assert.deepEqual(
      evidence.creators({ kind: "branch", organization: "acme", database: "app", name: "pr-3" }),
      [],
    );
    assert.deepEqual(evidence.creators({ kind: "serviceToken", organization: "acme", name: "pr-2" }), []);
  });

  test("the lock lines of the CLI's refusal are parsed, with the masked place", () => {
    const locks = parseLockError(
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  postgres://****:****@127.0.0.1:5432/state/.pulumi/locks/organization/p/a/x.json?sslmode=disable: created by ci@runner-7 (pid 42) at 2026-12-06T03:00:00Z",
    );
    assert.deepEqual(locks, [
      {
        where:
          "postgres://****:****@127.0.0.1:5432/state/.pulumi/locks/organization/p/a/x.json?sslmode=disable",
        username: "ci",
        hostname: "runner-7",
        pid: 42,
        timestamp: Date.parse("2026-12-06T03:00:00Z"),
      },
    ]);
  });
});

describe("a read that finds a checkpoint's attribute file being rewritten", () => {
  /** A CLI whose first `failures` commands fail as the file backend does on an empty `.attrs`. */
  function flakyCli(failures: number, stdout: string) {
    const calls: string[][] = [];
    const cli = new (class extends PulumiCli {
      override async run(args: readonly string[]): Promise<string> {
        calls.push([...args]);
        if (calls.length <= failures)
          throw new PulumiCliError(`\`pulumi ${args.join(" ")}\` failed (exit 1): error: EOF`);
        return stdout;
      }
    })({ cwd: tmpdir(), env: {} });
    return { cli, calls };
  }

  test("is tried again while it fails with EOF, and then answers", async () => {
    const { cli, calls } = flakyCli(3, JSON.stringify([{ name: "organization/web/pr-1" }]));
    assert.deepEqual(
      (await listStacks(cli, [0, 0, 0, 0])).map((s) => s.name),
      ["organization/web/pr-1"],
    );
    assert.equal(calls.length, 4);
    const exported = flakyCli(1, JSON.stringify({ version: 3, deployment: { resources: [] } }));
    assert.deepEqual(await exportStack(exported.cli, "pr-1", [0]), {
      version: 3,
      deployment: { resources: [] },
    });
    assert.deepEqual(exported.calls, [
      ["stack", "export", "--stack", "pr-1"],
      ["stack", "export", "--stack", "pr-1"],
    ]);
  });

  test("fails with the CLI's error once every wait is spent, and at once on any other failure", async () => {
    const { cli, calls } = flakyCli(10, "[]");
    await assert.rejects(listStacks(cli, [0, 0]), /error: EOF/);
    assert.equal(calls.length, 3);
    const other = new (class extends PulumiCli {
      tries = 0;
      override async run(): Promise<string> {
        this.tries++;
        throw new PulumiCliError("`pulumi stack ls` failed (exit 1): error: could not read the backend");
      }
    })({ cwd: tmpdir(), env: {} });
    await assert.rejects(listStacks(other, [0, 0]), /could not read the backend/);
    assert.equal(other.tries, 1);
  });
});

describe("a file backend read through the real Pulumi CLI", { skip: skipWithoutCli }, () => {
  let dir: string;
  let state: string;
  let env: NodeJS.ProcessEnv;
  const pulumi = (cwd: string, args: string[]) =>
    execFileSync(join(cliDir as string, "pulumi"), [...args, "--non-interactive"], {
      cwd,
      env,
      encoding: "utf8",
      stdio: "pipe",
    });
  const project = (name: string) => {
    const p = join(dir, name);
    mkdirSync(p);
    writeFileSync(join(p, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\n`);
    return p;
  };
  /** A stack whose checkpoint holds one branch (imported, as `pulumi stack import` would restore it). */
  const stackHolding = (cwd: string, stack: string, id: string, name: string) => {
    pulumi(cwd, ["stack", "init", stack]);
    const file = join(dir, `${stack}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        version: 3,
        deployment: {
          resources: [
            {
              urn: `urn:pulumi:${stack}::x::${BRANCH}::br`,
              custom: true,
              type: BRANCH,
              id,
              outputs: { organization: "acme", database: "app", name },
            },
          ],
        },
      }),
    );
    pulumi(cwd, ["stack", "import", "--stack", stack, "--file", file]);
  };
  let web: string;
  let api: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pps-backend-"));
    state = join(dir, "state");
    mkdirSync(state);
    env = {
      ...process.env,
      PATH: `${cliDir}:${process.env["PATH"] ?? ""}`,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_HOME: join(dir, "home"),
      PULUMI_CONFIG_PASSPHRASE: "backend-test",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    web = project("web");
    api = project("api");
    stackHolding(web, "pr-1", "br-web-1", "pr-1");
    stackHolding(web, "pr-2", "br-web-2", "pr-2");
    stackHolding(api, "pr-1", "br-api-1", "api-pr-1");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("every stack of every project, from any directory, and what each holds", async () => {
    const cli = new PulumiCli({ cwd: dir, env });
    const names = (await listStacks(cli)).map((s) => s.name).sort();
    assert.deepEqual(names, ["organization/api/pr-1", "organization/web/pr-1", "organization/web/pr-2"]);
    const evidence = await BackendEvidence.read(cli);
    assert.deepEqual(evidence.holders("br-web-2"), ["organization/web/pr-2"]);
    assert.deepEqual(evidence.holders("br-api-1"), ["organization/api/pr-1"]);
    assert.equal(
      evidence.claimedBy(
        "br-web-1",
        { kind: "branch", organization: "acme", database: "app", name: "pr-1" },
        "organization/web/pr-2",
      ),
      "stack organization/web/pr-1 holds it",
    );
    assert.equal(
      evidence.claimedBy("br-gone", { kind: "branch", organization: "acme", database: "app", name: "x" }),
      undefined,
    );
  });

  test("a checkpoint already exported is used as given, unless the name it is known by is ambiguous", async () => {
    const cli = new PulumiCli({ cwd: dir, env });
    // A stand-in for web/pr-1's checkpoint that its export would never give: the evidence shows which was used.
    const given = {
      version: 3,
      deployment: {
        resources: [{ urn: "u", type: "pulumi-nodejs:dynamic/planetscale:Branch", id: "br-given" }],
      },
    };
    const reused = await BackendEvidence.read(cli, {
      is: (n) => n === "organization/web/pr-1",
      deployment: given,
    });
    assert.deepEqual(reused.holders("br-given"), ["organization/web/pr-1"]);
    assert.deepEqual(reused.holders("br-web-1"), [], "web/pr-1 was not exported again");
    assert.deepEqual(reused.holders("br-web-2"), ["organization/web/pr-2"]);
    const ambiguous = await BackendEvidence.read(cli, { is: (n) => n.endsWith("/pr-1"), deployment: given });
    assert.deepEqual(ambiguous.holders("br-given"), []);
    assert.deepEqual(ambiguous.holders("br-web-1"), ["organization/web/pr-1"]);
    assert.deepEqual(ambiguous.holders("br-api-1"), ["organization/api/pr-1"]);
  });

  test("a stack's lock: its holder is read through the CLI, and `pulumi cancel` releases it", async () => {
    const cli = new PulumiCli({ cwd: web, env });
    const url = `file://${state}`;
    assert.deepEqual(await probeLocks(cli, "pr-1", url), { kind: "none" });
    assert.ok(
      !readdirSync(join(state, ".pulumi", "locks", "organization", "web", "pr-1")).length,
      "the probe leaves no lock",
    );
    // What a killed `pulumi up` on another runner leaves behind.
    const locks = join(state, ".pulumi", "locks", "organization", "web", "pr-1");
    writeFileSync(
      join(locks, "dead.json"),
      JSON.stringify({
        pid: 4242,
        username: "ci",
        hostname: "runner-9",
        timestamp: "2026-12-06T03:00:00.5Z",
      }),
    );
    const held = await probeLocks(cli, "pr-1", url);
    assert.equal(held.kind, "locked");
    assert.deepEqual(
      held.kind === "locked"
        ? held.locks.map((l) => [l.hostname, l.pid, new Date(l.timestamp).toISOString()])
        : [],
      [["runner-9", 4242, "2026-12-06T03:00:00.000Z"]],
    );
    await cancelLocks(cli, "pr-1");
    assert.deepEqual(await probeLocks(cli, "pr-1", url), { kind: "none" });
    assert.notEqual(hostname(), "runner-9");
  });

  test("an empty attribute file left by a killed CLI breaks every read until it is moved aside", async () => {
    const cli = new PulumiCli({ cwd: dir, env });
    const attrs = join(state, ".pulumi", "stacks", "web", "pr-2.json.attrs");
    writeFileSync(attrs, "");
    await assert.rejects(listStacks(cli), /EOF/);
    const moved = moveEmptyAttrsAside(`file://${state}`, 1234);
    assert.deepEqual(moved, [`${attrs} → pr-2.json.attrs.empty-1234`]);
    assert.equal((await listStacks(cli)).length, 3);
    assert.deepEqual(moveEmptyAttrsAside("postgres://db/state"), [], "other backends keep no such files");
  });

  test("a missing CLI is a clear error saying how to get it", async () => {
    const cli = new PulumiCli({ command: join(dir, "no-such-pulumi"), cwd: dir, env });
    await assert.rejects(listStacks(cli), (error: unknown) => {
      assert.ok(error instanceof PulumiCliMissingError);
      assert.equal(error.code, "PULUMI_CLI_MISSING");
      assert.match(error.message, /install it .* or pass its path with --pulumi/);
      return true;
    });
  });
});
