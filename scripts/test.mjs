#!/usr/bin/env node
// `npm test`: builds the package, makes sure the Pulumi CLI is at hand for the end-to-end tier,
// then runs every tier with Node's test runner in one run (one summary at the end), longest file
// first (scripts/lib/run-in-order.mjs), each file within FILE_TIMEOUT_MS.
//   test/**/*.test.ts        provider methods, client, emulator, serialization, gRPC host
//   test/e2e/**/*.test.ts    the real Pulumi CLI against the emulator (and test/examples/)
//   (test/acceptance runs against real PlanetScale only with `npm run test:acceptance`)
// Without the CLI and outside CI the e2e tier is skipped loudly; with CI=true it must run.
// `npm run test:fast` (`--fast`) runs the tiers that need no CLI, for the edit loop.
// Other arguments are `node --test` options run-in-order.mjs takes (e.g. `npm test -- --test-name-pattern=rename`).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findTests, needsCli, packForRun, reporterArgs, testEnv, testRunArgs } from "./lib/test-files.mjs";

const root = new URL("..", import.meta.url).pathname;
const inCI = process.env.CI === "true" || process.env.CI === "1";
const fast = process.argv.includes("--fast");
const args = process.argv.slice(2).filter((a) => a !== "--fast");

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r;
}

run("npm", ["run", "--silent", "build"]);

// The CLI: built (or found) by scripts/pulumi-cli.sh; its directory is the last stdout line.
let cliDir = fast ? undefined : process.env.PULUMI_PLANETSCALE_CLI_DIR;
if (!cliDir && !fast) {
  const cached = spawnSync("bash", ["scripts/pulumi-cli.sh"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PULUMI_PLANETSCALE_NO_BUILD: inCI ? "" : "1" },
  });
  if (cached.status === 0) cliDir = cached.stdout.trim().split("\n").pop();
  else if (inCI) {
    console.error(
      "CI=true but the Pulumi CLI could not be provided (see above): the e2e tier must run in CI.",
    );
    process.exit(1);
  }
}

const all = findTests(root);
let files = all;
if (fast) files = all.filter((f) => !needsCli(f));
else if (!cliDir) {
  files = all.filter((f) => !needsCli(f));
  const skipped = all.length - files.length;
  console.error(
    [
      "",
      "!".repeat(78),
      `!! SKIPPING the end-to-end tier (${skipped} files): no Pulumi CLI v${pulumiVersion()} is built yet.`,
      "!! Build it once (several minutes, cached under ~/.cache/pulumi-planetscale):",
      "!!     npm run pulumi -- version",
      "!! or run the whole suite as CI does:  CI=true npm test",
      "!".repeat(78),
      "",
    ].join("\n"),
  );
}

const env = testEnv();
if (cliDir) env.PULUMI_PLANETSCALE_CLI_DIR = cliDir;
// The files that install the package (the examples, the README's and a new user's project) take
// one tarball of this build instead of packing it each.
if (files.some(needsCli)) packForRun(env);
run(process.execPath, testRunArgs(files, [...reporters(args), ...args]), { env });

/**
 * The spec reporter, and the file durations (which order the next run) unless the arguments pick
 * a reporter of their own or run only some tests.
 */
function reporters(args) {
  if (args.some((a) => a.startsWith("--test-reporter"))) return [];
  const partial = args.some((a) => /^--test-(name-pattern|skip-pattern|only)/.test(a));
  return reporterArgs(root, { durations: !partial });
}

function pulumiVersion() {
  return JSON.parse(readFileSync(join(root, "node_modules/@pulumi/pulumi/package.json"), "utf8")).version;
}
