// Level 4, as users consume the library: the package from `npm pack`, installed with `npm install`
// into projects outside this repository, run by the real CLI.
//
// A new user's `pulumi new typescript`-style project (Pulumi.yaml without `main`, package.json
// `main: index.ts`, tsconfig.json), run through `npm run pulumi` from elsewhere with `--cwd`/`-C` or
// from the project's own directory. The program must run as the real Node.js language host runs
// it: in a child process on the SDK's entry point, TypeScript through the SDK's loader, in both the
// preview and the update of one `pulumi up`.
//
// A plain JavaScript program with a Pulumi.yaml. Proves the package's exports map, the provider
// runtime resolved by name from the project's node_modules (state holds only a small provider),
// getBranches/getBranch from a program, and a BranchPassword on the branch whose databaseUrl works
// and whose plaintext stays out of the state file.
//
// Both projects take one `npm install` (~15 CPU-s each): it runs once, for the TypeScript project's
// dependencies (a superset of the other's), and each project gets its `node_modules` as hard links
// (`cp -al`), beside the tarball its package.json names.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { packTree } from "../../scripts/lib/local-registry.mjs";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

const versionOf = (pkg: string): string =>
  JSON.parse(readFileSync(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")).version;

/**
 * What the TypeScript project depends on: the SDK and the packed package, and TypeScript to compile
 * the program. The JavaScript project's `dependencies` are the same.
 */
const typeScriptProjectDependencies = (tarball: string) => ({
  devDependencies: { "@types/node": versionOf("@types/node"), typescript: versionOf("typescript") },
  dependencies: { "@pulumi/pulumi": versionOf("@pulumi/pulumi"), "pulumi-planetscale": `file:./${tarball}` },
});

/** The one install both projects copy: the packed tarball, a package.json, and `node_modules`. */
let installed: { dir: string; tarball: string } | undefined;

before(() => {
  if (!cliDir) return;
  const dir = mkdtempSync(join(tmpdir(), "pps-install-"));
  const tarball = basename(packTree(dir));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "install", private: true, ...typeScriptProjectDependencies(tarball) }),
  );
  execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  installed = { dir, tarball };
});
after(() => {
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

/**
 * A new project directory with the shared install's `node_modules` (hard links) and tarball, and
 * the package.json `manifest(tarball)` returns.
 */
function projectWithInstall(prefix: string, manifest: (tarball: string) => object): string {
  if (!installed) throw new Error("the shared install did not run");
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync("cp", ["-al", join(installed.dir, "node_modules"), join(dir, "node_modules")]);
  linkSync(join(installed.dir, installed.tarball), join(dir, installed.tarball));
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest(installed.tarball), null, 2));
  return dir;
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

// Typed code (an interface, a typed parameter): only runs if TypeScript is compiled on the way.
const PROGRAM = `import { appendFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as planetscale from "pulumi-planetscale";

interface Run { entry: string; dryRun: boolean }
const run: Run = { entry: "index.ts", dryRun: pulumi.runtime.isDryRun() };
appendFileSync("runs.log", JSON.stringify(run) + "\\n");

const branch = new planetscale.Branch("feature", { database: "app", name: "new-user-1" });
export const branchId: pulumi.Output<string> = branch.branchId;
`;

describe("a new user's own TypeScript project through npm run pulumi", { skip: skipWithoutCli }, () => {
  let dir: string;
  let emu: Emulator;
  /** `npm run pulumi -- <args>` as typed in `cwd` (npm starts the script in the repository). */
  const npmRunPulumi = (args: string[], cwd = repoRoot) =>
    runProcess(process.execPath, [join(repoRoot, "scripts/pulumi.mjs"), ...args], {
      cwd: repoRoot,
      env: {
        // A user's shell: no Pulumi settings, so the project's own local defaults apply.
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_"))),
        INIT_CWD: cwd,
        PULUMI_PLANETSCALE_CLI_DIR: cliDir,
        PULUMI_CONFIG_PASSPHRASE: "new-user",
      },
    });
  const runs = () =>
    readFileSync(join(dir, "runs.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { entry: string; dryRun: boolean });

  before(async () => {
    emu = await emulator();
    dir = projectWithInstall("pps-new-user-", (tarball) => ({
      name: "new-user",
      main: "index.ts",
      ...typeScriptProjectDependencies(tarball),
    }));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: new-user\ndescription: pulumi new typescript\nruntime:\n  name: nodejs\n  options:\n    packagemanager: npm\n",
    );
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 4));
    writeFileSync(join(dir, "index.ts"), PROGRAM);
  });
  after(async () => {
    await emu?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("--cwd and -C select the project; the command is not taken from the option's value", async () => {
    // Each form of the option once; the rest of the config in one `config set-all` (a CLI start each).
    for (const args of [
      ["--cwd", dir, "stack", "init", "dev"],
      [`--cwd=${dir}`, "config", "set", "planetscale:organization", "acme"],
      [
        "-C",
        dir,
        "config",
        "set-all",
        "--plaintext",
        `planetscale:apiUrl=${emu.apiUrl}`,
        "--plaintext",
        `planetscale:serviceTokenId=${emu.adminCredential.id}`,
        "--secret",
        `planetscale:serviceToken=${emu.adminCredential.token}`,
      ],
    ]) {
      const r = await npmRunPulumi(args);
      assert.equal(r.code, 0, `pulumi ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    }
    // The project's own local state, not the repository's.
    const stacks = await npmRunPulumi(["--cwd", dir, "stack", "ls", "--json"]);
    assert.deepEqual(
      (JSON.parse(stacks.stdout) as Array<{ name: string }>).map((s) => s.name),
      ["dev"],
    );
  });

  test("pulumi up runs the program in the preview and in the update, and creates the branch", async () => {
    const r = await npmRunPulumi(["--cwd", dir, "up", "--yes", "--non-interactive"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /\+ 2 to create/);
    assert.match(r.stdout, /\+ 2 created/);
    assert.deepEqual(runs(), [
      { entry: "index.ts", dryRun: true },
      { entry: "index.ts", dryRun: false },
    ]);
    const outputs = await npmRunPulumi(["-C", dir, "stack", "output", "--json"]);
    assert.match(JSON.parse(outputs.stdout).branchId, /^[a-z0-9]{12}$/);
    const branch = await fetch(`${emu.apiUrl}/organizations/acme/databases/app/branches/new-user-1`, {
      headers: { Authorization: `${emu.adminCredential.id}:${emu.adminCredential.token}` },
    });
    assert.equal(branch.status, 200);
  });

  test("run from the project's directory, with no --cwd, acts on that project", async () => {
    const r = await npmRunPulumi(["preview", "--non-interactive"], dir);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /2 unchanged/);
  });

  test("main in Pulumi.yaml wins over package.json", async () => {
    writeFileSync(join(dir, "alt.ts"), PROGRAM.replace('entry: "index.ts"', 'entry: "alt.ts"'));
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      `${readFileSync(join(dir, "Pulumi.yaml"), "utf8")}main: alt.ts\n`,
    );
    const r = await npmRunPulumi(["-C", dir, "preview", "--non-interactive"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(runs().at(-1), { entry: "alt.ts", dryRun: true });
  });

  test("a TypeScript error fails the preview with the compiler's message", async () => {
    writeFileSync(join(dir, "alt.ts"), `${PROGRAM}\nconst wrong: number = "text";\n`);
    const r = await npmRunPulumi(["-C", dir, "preview", "--non-interactive"]);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /TS2322|not assignable to type 'number'/);
  });

  test("pulumi destroy removes the branch", async () => {
    const r = await npmRunPulumi(["-C", dir, "destroy", "--yes", "--skip-preview", "--non-interactive"]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const branch = await fetch(`${emu.apiUrl}/organizations/acme/databases/app/branches/new-user-1`, {
      headers: { Authorization: `${emu.adminCredential.id}:${emu.adminCredential.token}` },
    });
    assert.equal(branch.status, 404);
  });
});

const JS_PROGRAM = `
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
    dir = projectWithInstall("pps-installed-", (tarball) => ({
      name: "user-infra",
      private: true,
      dependencies: typeScriptProjectDependencies(tarball).dependencies,
    }));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: user-infra\nruntime: nodejs\nmain: index.js\n");
    writeFileSync(join(dir, "index.js"), JS_PROGRAM);
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
