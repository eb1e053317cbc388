// scripts/lib/defer-sdk-modules.cjs: a test run's Node.js processes load the Pulumi SDK without
// what serializing a function and packaging its dependencies need (TypeScript, arborist,
// normalize-package-data, fdir), semver and its Automation API; each loads on its first use and
// then behaves as the real module; a missing module still throws where it is required.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import ts from "typescript";
import { DEFER_SDK_MODULES, testEnv } from "../../scripts/lib/test-files.mjs";

const repoRoot = join(__dirname, "..", "..");
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function temporary(): string {
  const dir = mkdtempSync(join(tmpdir(), "pps-defer-sdk-"));
  dirs.push(dir);
  return dir;
}

/** Runs `script` in a Node.js process of this repository, as a test run starts one; its JSON output. */
function probe(script: string, options: { defer: boolean; cwd?: string }): unknown {
  const env = testEnv({ PATH: process.env["PATH"] ?? "" });
  if (!options.defer) env["NODE_OPTIONS"] = "";
  const out = execFileSync(process.execPath, ["-e", script], {
    cwd: options.cwd ?? repoRoot,
    env,
    encoding: "utf8",
    // The SDK's deprecation warnings stay out of the test output (a failure's error holds them).
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

/** The deferred modules, by a path inside each. */
const DEFERRED = [
  "/@npmcli/arborist/",
  "/typescript/lib/typescript.js",
  "/normalize-package-data/",
  "/fdir/",
  "/@pulumi/pulumi/automation/",
  "/semver/",
];
const LOADED = `const loaded = () => ${JSON.stringify(DEFERRED)}.filter((m) => Object.keys(require.cache).some((f) => f.includes(m)));`;

test("the test run's processes require it through NODE_OPTIONS", () => {
  assert.ok(testEnv({})["NODE_OPTIONS"]?.includes(`--require ${JSON.stringify(DEFER_SDK_MODULES)}`));
});

test("a provider host's modules load without the deferred modules, which load on first use as the real modules", () => {
  const script = `${LOADED}
    require("@pulumi/pulumi/runtime");
    const pulumi = require("@pulumi/pulumi");
    const atStart = loaded();
    // What a program does with TypeScript: serialize a function (a dynamic provider's methods).
    pulumi.runtime.serializeFunction(function answer() { return 42; }).then(async (f) => {
      const ts = require("@pulumi/pulumi/typescript-shim");
      const kind = ts.SyntaxKind.Identifier;
      // What arborist, normalize-package-data and fdir are there for: a function's packages, here
      // in a workspace (fdir finds its members).
      process.chdir("member");
      const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["probe"] });
      const { LocalWorkspace, fullyQualifiedStackName } = pulumi.automation;
      // What semver is there for in the runtime: a resource package's version.
      pulumi.runtime.registerResourcePackage("probe", { version: "1.2.3", constructProvider: () => undefined });
      const registered = pulumi.runtime.getResourcePackage("probe", "1.2.3") !== undefined;
      process.stdout.write(JSON.stringify({
        atStart,
        atEnd: loaded(),
        text: f.text.includes("return 42"),
        kind,
        probe: [...paths.keys()].some((p) => p.endsWith("node_modules/probe")),
        automation: [typeof LocalWorkspace.create, fullyQualifiedStackName("o", "p", "s")],
        registered,
      }));
    });`;
  // A workspace with one member and one package, and this repository's SDK.
  const project = temporary();
  mkdirSync(join(project, "node_modules", "probe"), { recursive: true });
  mkdirSync(join(project, "member"));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ workspaces: ["member"], dependencies: { probe: "1.0.0" } }),
  );
  writeFileSync(
    join(project, "member", "package.json"),
    JSON.stringify({ name: "member", version: "1.0.0" }),
  );
  writeFileSync(
    join(project, "node_modules", "probe", "package.json"),
    JSON.stringify({ name: "probe", version: "1.0.0" }),
  );
  symlinkSync(join(repoRoot, "node_modules", "@pulumi"), join(project, "node_modules", "@pulumi"));
  const deferred = probe(script, { defer: true, cwd: project });
  assert.deepEqual(deferred, {
    atStart: [],
    atEnd: DEFERRED,
    text: true,
    kind: ts.SyntaxKind.Identifier,
    probe: true,
    automation: ["function", "o/p/s"],
    registered: true,
  });
  // Without it, the same start loads every one of them.
  const atStart = `${LOADED} require("@pulumi/pulumi/runtime"); require("@pulumi/pulumi"); process.stdout.write(JSON.stringify(loaded()));`;
  assert.deepEqual(probe(atStart, { defer: false, cwd: project }), DEFERRED);
});

test("a program's start loads no tracing package, which load when `--tracing` starts tracing", () => {
  const otel = `const otel = () => Object.keys(require.cache).filter((f) => f.includes("/@opentelemetry/") && !f.includes("/@opentelemetry/api/")).length;`;
  // What a program's `--tracing=<url>` does (cmd/run/run.js calls start); no span ends, so nothing is sent.
  const script = `${otel}
    const tracing = require("@pulumi/pulumi/cmd/run/tracing");
    const atStart = otel();
    tracing.start("http://127.0.0.1:9/api/v2/spans");
    const span = tracing.newSpan("probe");
    process.stdout.write(JSON.stringify({ atStart, loaded: otel() > 0, traced: span.spanContext().traceId.length }));`;
  assert.deepEqual(probe(script, { defer: true }), { atStart: 0, loaded: true, traced: 32 });
  const plain = `${otel} require("@pulumi/pulumi/cmd/run/tracing"); process.stdout.write(JSON.stringify(otel() > 0));`;
  assert.equal(probe(plain, { defer: false }), true);
});

test("a module that is missing still throws where it is required: the SDK's TypeScript shim falls back", () => {
  // The SDK's shim, in a tree without TypeScript: it must take its vendored copy, as without this.
  const dir = temporary();
  const sdk = join(dir, "node_modules", "@pulumi", "pulumi");
  const vendored = join(sdk, "vendor", "typescript@3.8.3");
  mkdirSync(vendored, { recursive: true });
  cpSync(join(repoRoot, "node_modules/@pulumi/pulumi/typescript-shim.js"), join(sdk, "typescript-shim.js"));
  writeFileSync(join(vendored, "typescript.js"), "exports.version = 'vendored';\n");
  const script = `process.stdout.write(JSON.stringify(require("@pulumi/pulumi/typescript-shim").version));`;
  assert.equal(probe(script, { defer: true, cwd: dir }), "vendored");
  assert.equal(probe(script, { defer: false, cwd: dir }), "vendored");
});
