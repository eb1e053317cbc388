// The test files of each tier, found in one place for `npm test` and `npm run test:repeat`.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

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

/** Runs only on request (`npm run test:acceptance`), against real PlanetScale. */
const ON_REQUEST_DIRS = [join("test", "acceptance")];

/**
 * Every `*.test.ts` under `test/` but the on-request tier, relative to `root`: the CLI tiers
 * first, then the rest, each sorted. The runner starts files in this order, so the long
 * end-to-end files start early and the short ones fill the cores at the end, instead of one
 * long file starting last and running alone.
 */
export function findTests(root) {
  const all = findTestFiles(root, join(root, "test"));
  return [...all.filter((f) => needsCli(f)), ...all.filter((f) => !needsCli(f))];
}

/** Every `*.test.ts` under `dir` but the on-request tier, relative to `root`, sorted. */
function findTestFiles(root, dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!ON_REQUEST_DIRS.includes(relative(root, p))) out.push(...findTestFiles(root, p));
    } else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out.sort();
}

/** Whether a test file (relative to the repository) needs the Pulumi CLI. */
export function needsCli(file) {
  return CLI_TIER_DIRS.some((d) => file.startsWith(d + "/"));
}
