// The test files of each tier, found in one place for `npm test`, `npm run test:fast` and
// `npm run test:repeat`, in the order the runner should start them.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { PACKED_TARBALL, packTree } from "./local-registry.mjs";

/** Folders (relative to the repository) whose tests drive the real Pulumi CLI. */
export const CLI_TIER_DIRS = [join("test", "e2e"), join("test", "examples")];

/**
 * Test files run at a time by `npm test` and `npm run test:repeat`: the end-to-end files spend
 * most of their time waiting on the CLI, the emulator's readiness delays and child processes, so
 * three keep two cores busy (Node's default, one less than the cores, runs them one by one on this
 * project's 2-core CI). Each file has its own emulator on port 0, temporary directories and
 * PULUMI_HOME, so files share no state.
 */
export const TEST_CONCURRENCY = 3;

/**
 * How long one test file may run before it fails the run (and its processes are stopped): a hang
 * (a child process or a promise that never settles) then fails `npm test` with the file's name
 * instead of holding CI until its own limit. The longest file takes ~3 minutes on a loaded 2-core
 * machine.
 */
export const FILE_TIMEOUT_MS = 15 * 60 * 1000;

/** The hook that compiles the test files' TypeScript (lighter than tsx: see the file). */
export const TS_REGISTER = join(dirname(new URL(import.meta.url).pathname), "ts-register.cjs");

/** The V8 code cache of a test run's Node.js processes (see the file): speed only. */
export const COMPILE_CACHE = join(dirname(new URL(import.meta.url).pathname), "compile-cache.cjs");

/** Two modules the Pulumi SDK loads at start, loaded on first use instead (see the file): speed only. */
export const DEFER_SDK_MODULES = join(dirname(new URL(import.meta.url).pathname), "defer-sdk-modules.cjs");

/**
 * The environment test files run in: `env` with {@link COMPILE_CACHE} and {@link DEFER_SDK_MODULES}
 * required by every Node.js process they start (hosts, programs, npm), {@link TS_REGISTER}'s cache,
 * and the Go CLI's GC pace. `NODE_OPTIONS` carries the first two to processes the CLI starts;
 * test/support/runner.ts gives them to a workflow's steps, whose environment is otherwise a runner's.
 */
export function testEnv(env = process.env) {
  const require = [COMPILE_CACHE, DEFER_SDK_MODULES].map((f) => `--require ${JSON.stringify(f)}`).join(" ");
  return {
    ...env,
    NODE_OPTIONS: env.NODE_OPTIONS?.includes(require)
      ? env.NODE_OPTIONS
      : [env.NODE_OPTIONS, require].filter(Boolean).join(" "),
    PULUMI_PLANETSCALE_V8_CACHE: env.PULUMI_PLANETSCALE_V8_CACHE || join(dirname(DURATIONS_FILE), "v8"),
    // The Go CLI (~800 commands a run) collects garbage less often: its start-up decodes
    // password-strength word lists (zxcvbn) and collected while doing so. `pulumi version`:
    // 0.169 → 0.130 CPU-s, peak memory 100 → 104 MB; GOGC=off grew the system time of whole runs.
    GOGC: env.GOGC || "400",
    // The test files' compiled TypeScript (see TS_REGISTER's file).
    PULUMI_PLANETSCALE_TS_CACHE: env.PULUMI_PLANETSCALE_TS_CACHE || join(dirname(DURATIONS_FILE), "ts"),
  };
}

/**
 * Packs the tree once for a test run, after its build, into a temporary directory removed when this
 * process exits: `env` names the tarball ({@link PACKED_TARBALL}), and each test file that installs
 * the package copies it instead of running `npm pack` (~2.3 CPU-s each, five files).
 */
export function packForRun(env) {
  const dir = mkdtempSync(join(tmpdir(), "pps-packed-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  env[PACKED_TARBALL] = packTree(dir);
}

/** The script that runs test files in the order given (`node --test` sorts them by name). */
export const RUN_IN_ORDER = join(dirname(new URL(import.meta.url).pathname), "run-in-order.mjs");

/**
 * The arguments of `process.execPath` that run `files` in their order, `TEST_CONCURRENCY` at a
 * time, each within {@link FILE_TIMEOUT_MS}; `options` are `node --test` options that
 * `run-in-order.mjs` takes (a reporter, a name pattern), and replace the defaults they name.
 */
export function testRunArgs(files, options = []) {
  const has = (name) => options.some((a) => a.startsWith(name));
  return [
    "--require",
    TS_REGISTER,
    RUN_IN_ORDER,
    ...(has("--test-concurrency") ? [] : [`--test-concurrency=${TEST_CONCURRENCY}`]),
    ...(has("--test-timeout") ? [] : [`--test-timeout=${FILE_TIMEOUT_MS}`]),
    ...options,
    ...files,
  ];
}

/** Runs only on request (`npm run test:acceptance`), against real PlanetScale. */
const ON_REQUEST_DIRS = [join("test", "acceptance")];

/**
 * Where the last measured duration of each test file is kept: next to the Pulumi CLI build that
 * scripts/pulumi-cli.sh caches, so it outlives `npm ci` and a CI cache of that folder keeps both.
 */
export const DURATIONS_FILE = join(
  process.env.PULUMI_PLANETSCALE_CACHE || join(homedir(), ".cache", "pulumi-planetscale"),
  "test-durations.json",
);

/**
 * Every `*.test.ts` under `test/` but the on-request tier, relative to `root`, longest first:
 * `run-in-order.mjs` starts files in this order, so the long files start at once and the short ones fill the
 * cores at the end, instead of one long file starting last and running alone. The order comes
 * from the durations the last runs measured (`durations-reporter.mjs`); a file never measured
 * counts as long when it drives the CLI, as short otherwise.
 */
export function findTests(root, durations = readDurations()) {
  return longestFirst(findTestFiles(root, join(root, "test")), durations);
}

/**
 * `files` (relative to the repository) in the order {@link findTests} gives them, for a run of
 * some files only (`npm run test:repeat -- N file …`), so that it is scheduled as in a whole run.
 */
export function longestFirst(files, durations = readDurations()) {
  const expected = (file) => durations[file] ?? (needsCli(file) ? Number.POSITIVE_INFINITY : 0);
  return [...files].sort(
    (a, b) => expected(b) - expected(a) || Number(needsCli(b)) - Number(needsCli(a)) || a.localeCompare(b),
  );
}

/** Every `*.test.ts` under `dir` but the on-request tier, relative to `root`. */
function findTestFiles(root, dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!ON_REQUEST_DIRS.includes(relative(root, p))) out.push(...findTestFiles(root, p));
    } else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

/** Whether a test file (relative to the repository) needs the Pulumi CLI. */
export function needsCli(file) {
  return CLI_TIER_DIRS.some((d) => file.startsWith(d + "/"));
}

/** The recorded durations in milliseconds, by test file; none when nothing was recorded yet. */
export function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, "utf8"));
  } catch {
    return {};
  }
}

/** Records durations (milliseconds by test file), replacing the file whole (runs may overlap). */
export function writeDurations(durations) {
  mkdirSync(dirname(DURATIONS_FILE), { recursive: true });
  const partial = `${DURATIONS_FILE}.${process.pid}`;
  writeFileSync(partial, `${JSON.stringify(durations, null, 2)}\n`);
  renameSync(partial, DURATIONS_FILE);
}

/**
 * `node --test` arguments for the spec reporter and, with `durations`, the reporter that records
 * each file's duration (the order of the next run) and prints the slowest files.
 */
export function reporterArgs(root, { durations = true } = {}) {
  const spec = ["--test-reporter=spec", "--test-reporter-destination=stdout"];
  if (!durations) return spec;
  const reporter = join(root, "scripts", "lib", "durations-reporter.mjs");
  return [...spec, `--test-reporter=${reporter}`, "--test-reporter-destination=stdout"];
}
