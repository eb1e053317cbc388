// Level 4, as a user consumes the library: `npm pack`, `npm install` of the tarball into a fresh
// project, a plain JavaScript program with a Pulumi.yaml, and the real CLI. Proves the package's
// exports map, the provider runtime resolved by name from the project's node_modules (state holds
// only a small provider), getBranches/getBranch from a program, and a BranchPassword on the
// branch whose databaseUrl works and whose plaintext stays out of the state file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { packTree } from "../../scripts/lib/local-registry.mjs";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";

const repoRoot = join(__dirname, "..", "..");

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const planetscale = require("pulumi-planetscale");

const branch = new planetscale.Branch("feature", { database: "app", name: "installed-1" });
exports.branchId = branch.branchId;
const password = new planetscale.BranchPassword("app", { database: "app", branch, role: "readwriter", ttl: "1d" });
exports.username = password.username;
exports.databaseUrl = password.databaseUrl;
// Program-side lookups with the same credentials, once the branch exists.
exports.names = branch.name.apply(async () => (await planetscale.getBranches({ database: "app" })).map((b) => b.name).sort());
exports.parent = branch.name.apply(async (name) => (await planetscale.getBranch({ database: "app", branch: name })).parentBranch);
`;

describe("a project that installs the packed package", { skip: skipWithoutCli }, () => {
  let dir: string;
  let emu: Emulator;
  let pulumi: (args: string[]) => Promise<{ code: number }>;

  before(async () => {
    emu = await emulator();
    dir = mkdtempSync(join(tmpdir(), "pps-installed-"));
    const tarball = basename(packTree(dir));
    const sdk = JSON.parse(
      readFileSync(join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
    ).version;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "user-infra",
        private: true,
        dependencies: { "@pulumi/pulumi": sdk, "pulumi-planetscale": `file:./${tarball}` },
      }),
    );
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      stdio: "inherit",
    });
    writeFileSync(join(dir, "Pulumi.yaml"), "name: user-infra\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(dir, "index.js"), PROGRAM);
    mkdirSync(join(dir, "state"));
    const { runPulumi } = await import("../../scripts/pulumi.mjs");
    const env = {
      PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
      PULUMI_HOME: join(dir, "home"),
      PULUMI_CONFIG_PASSPHRASE: "installed",
    };
    pulumi = async (args) => ({
      code: await runPulumi(args, { projectDir: dir, cliDir, env, stdio: ["ignore", "ignore", "inherit"] }),
    });
    for (const args of [
      ["stack", "init", "dev"],
      ["config", "set", "planetscale:apiUrl", emu.apiUrl],
      ["config", "set", "planetscale:organization", "acme"],
      ["config", "set", "--plaintext", "planetscale:serviceTokenId", emu.adminCredential.id],
      ["config", "set", "--secret", "planetscale:serviceToken", emu.adminCredential.token],
    ]) {
      assert.equal((await pulumi(args)).code, 0, `pulumi ${args.join(" ")}`);
    }
  });
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let plaintext = "";
  let username = "";

  test("pulumi up creates the branch and the program reads it back", async () => {
    assert.equal((await pulumi(["up", "--yes", "--skip-preview", "--non-interactive"])).code, 0);
    const outputs = JSON.parse(
      execFileSync(join(cliDir ?? "", "pulumi"), ["stack", "output", "--json", "--show-secrets"], {
        cwd: dir,
        encoding: "utf8",
        env: {
          ...process.env,
          PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
          PULUMI_HOME: join(dir, "home"),
          PULUMI_CONFIG_PASSPHRASE: "installed",
        },
      }),
    );
    assert.match(outputs.branchId, /^[a-z0-9]{12}$/);
    assert.deepEqual(outputs.names, ["installed-1", "main"]);
    assert.equal(outputs.parent, "main");
    // The password's URL, as the app would read it; the emulator's login check stands in for it.
    const url = new URL(outputs.databaseUrl);
    username = outputs.username;
    plaintext = decodeURIComponent(url.password);
    assert.equal(decodeURIComponent(url.username), username);
    assert.equal(emu.checkConnection(username, plaintext).valid, true);
  });

  test("state holds a one-line provider that loads the installed package by name", () => {
    const checkpoint = JSON.parse(
      readFileSync(join(dir, "state/.pulumi/stacks/user-infra/dev.json"), "utf8"),
    );
    const branch = checkpoint.checkpoint.latest.resources.find(
      (r: { type: string }) => r.type === "pulumi-nodejs:dynamic/planetscale:Branch",
    );
    const provider: string = branch.outputs.__provider;
    // Installed under node_modules, the provider object is recognised as the package's module.
    assert.match(provider, /require\("pulumi-planetscale\/internal\/providers\/branch"\)/);
    assert.ok(provider.length < 500, `__provider is ${provider.length} bytes`);
    assert.equal(branch.inputs.__provider, provider);
    assert.ok(!JSON.stringify(checkpoint).includes(emu.adminCredential.token));
    assert.ok(
      plaintext.length > 20 && !JSON.stringify(checkpoint).includes(plaintext),
      "the password is encrypted",
    );
  });

  test("pulumi destroy removes it, and the password stops working", async () => {
    assert.equal((await pulumi(["destroy", "--yes", "--skip-preview", "--non-interactive"])).code, 0);
    const res = await fetch(`${emu.apiUrl}/organizations/acme/databases/app/branches`, {
      headers: { Authorization: `${emu.adminCredential.id}:${emu.adminCredential.token}` },
    });
    assert.deepEqual(
      ((await res.json()) as { data: { name: string }[] }).data.map((b) => b.name),
      ["main"],
    );
    assert.equal(emu.checkConnection(username, plaintext).valid, false);
  });
});
