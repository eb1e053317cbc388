#!/usr/bin/env node
// `npm run test:repeat -- N [--cli] [file ...]`: builds once, then runs the suite N times in a row
// and prints one line per run (pass or fail, counts, duration) and the failing tests of a failed
// run, for the "passes N times in a row" check of flaky tests.
//   default   every tier that needs no Pulumi CLI (test/**, less test/e2e and test/examples)
//   --cli     the CLI tiers too (the CLI from PULUMI_PLANETSCALE_CLI_DIR or the cached build)
//   file ...  only these test files (started longest first, as npm test starts them)
// Each run's full output goes to a log file, named in its line. Exits non-zero when any run failed.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findTests,
  longestFirst,
  needsCli,
  packForRun,
  reporterArgs,
  testEnv,
  testRunArgs,
} from "./lib/test-files.mjs";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const times = Number(args.shift());
const withCli = args.includes("--cli");
const named = args.filter((a) => a !== "--cli");
if (!Number.isInteger(times) || times < 1) {
  console.error("usage: npm run test:repeat -- N [--cli] [file ...]   (N: how many runs, at least 1)");
  process.exit(2);
}

const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const env = testEnv();
if (withCli && !env.PULUMI_PLANETSCALE_CLI_DIR) {
  const found = spawnSync("bash", ["scripts/pulumi-cli.sh"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, PULUMI_PLANETSCALE_NO_BUILD: "1" },
  });
  if (found.status !== 0) {
    console.error("--cli: no Pulumi CLI is built yet; run `npm run pulumi -- version` once");
    process.exit(1);
  }
  env.PULUMI_PLANETSCALE_CLI_DIR = found.stdout.trim().split("\n").pop();
}
// Named files start in npm test's order too (longest first), so a part of the suite is timed as the
// whole would schedule it.
const files = named.length > 0 ? longestFirst(named) : findTests(root).filter((f) => withCli || !needsCli(f));
if (files.some(needsCli)) packForRun(env);
const logDir = mkdtempSync(join(tmpdir(), "pulumi-planetscale-repeat-"));
console.log(`${times} runs of ${files.length} test files; logs in ${logDir}`);

let failedRuns = 0;
for (let run = 1; run <= times; run++) {
  const log = join(logDir, `run-${run}.log`);
  const started = performance.now();
  const status = await runOnce(log);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const summary = summaryOf(readFileSync(log, "utf8"));
  const passed = status === 0;
  if (!passed) failedRuns++;
  console.log(
    `run ${run}/${times}: ${passed ? "PASS" : "FAIL"}  ${summary.tests} tests, ${summary.pass} passed, ` +
      `${summary.fail} failed, ${summary.skipped} skipped, ${seconds} s  (${log})`,
  );
  for (const name of summary.failing) console.log(`    ✖ ${name}`);
}
console.log(`${times - failedRuns} of ${times} runs passed`);
process.exit(failedRuns === 0 ? 0 : 1);

/** Runs the files once with Node's test runner, all output to `log`; resolves to the exit status. */
function runOnce(log) {
  const out = createWriteStream(log);
  const child = spawn(process.execPath, testRunArgs(files, reporterArgs(root)), {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.pipe(out, { end: false });
  child.stderr.pipe(out, { end: false });
  return new Promise((resolve) => {
    child.on("close", (code) => out.end(() => resolve(code ?? 1)));
  });
}

/** The counts of the spec reporter's closing lines and the failing tests it lists after them. */
function summaryOf(text) {
  const count = (label) => text.match(new RegExp(`^ℹ ${label} (\\d+)$`, "m"))?.[1] ?? "?";
  const failing = [];
  const at = text.indexOf("✖ failing tests:");
  let where = "";
  for (const line of at < 0 ? [] : text.slice(at).split("\n").slice(1)) {
    if (line.startsWith("test at ")) where = line.slice("test at ".length);
    const name = line.match(/^✖ (.*?)(?: \([\d.]+m?s\))?$/)?.[1];
    if (name !== undefined && failing.length < 20) failing.push(`${name}  (${where})`);
  }
  return {
    tests: count("tests"),
    pass: count("pass"),
    fail: count("fail"),
    skipped: count("skipped"),
    failing,
  };
}
