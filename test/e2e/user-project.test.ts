// Level 4, as a new user works: a `pulumi new typescript`-style project (Pulumi.yaml without
// `main`, package.json `main: index.ts`, tsconfig.json) outside this repository, with the package
// installed from `npm pack`, run through `npm run pulumi` from elsewhere with `--cwd`/`-C` or from
// the project's own directory. The program must run as the real Node.js language host runs it: in
// a child process on the SDK's entry point, TypeScript through the SDK's loader, in both the
// preview and the update of one `pulumi up`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { packTree } from "../../scripts/lib/local-registry.mjs";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

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
    dir = mkdtempSync(join(tmpdir(), "pps-new-user-"));
    const tarball = basename(packTree(dir));
    const versionOf = (pkg: string) =>
      JSON.parse(readFileSync(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")).version;
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        {
          name: "new-user",
          main: "index.ts",
          devDependencies: { "@types/node": versionOf("@types/node"), typescript: versionOf("typescript") },
          dependencies: {
            "@pulumi/pulumi": versionOf("@pulumi/pulumi"),
            "pulumi-planetscale": `file:./${tarball}`,
          },
        },
        null,
        2,
      ),
    );
    execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
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
