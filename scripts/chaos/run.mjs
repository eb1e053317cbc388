#!/usr/bin/env node
// `npm run chaos`: the ownership issue's scenarios, interrupted runs, random-fault runs and bad inputs,
// each through the real Pulumi CLI against a fresh emulator injecting faults; prints what each run
// did and, last, one line of figures measured by comparing PlanetScale (the emulator) with the state:
//   chaos: ops=N faults=N lost=0 duplicates=0 orphans=0 foreign_touched=0 leaks=0 recovered=K/K bad_inputs=N/N
//          stacks=N foreign_deleted=0 double_held=0 races=K/K
// Exits 1 when a figure is bad. Flags: --quick (CI-sized), --seed N, --runs N (random-fault runs),
// --skip WORD / --only WORD (leave out / keep only scenarios whose title contains WORD; repeatable),
// --keep (keep the projects).
// docs/RELIABILITY.md explains each figure and records a full run.
import { availableParallelism, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { cliDirectory } from "../pulumi.mjs";
import { emptyTotals, Scenario } from "./scenario.mjs";
import { scenarios } from "./scenarios.mjs";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    seed: { type: "string" },
    runs: { type: "string" },
    skip: { type: "string", multiple: true, default: [] },
    only: { type: "string", multiple: true, default: [] },
    keep: { type: "boolean", default: false },
  },
});
const quick = values.quick;
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const runs = values.runs === undefined ? (quick ? 1 : 3) : Number(values.runs);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 0) {
  console.error(
    "usage: npm run chaos -- [--quick] [--seed N] [--runs N] [--skip WORD]... [--only WORD]... [--keep]",
  );
  process.exit(2);
}

/** mulberry32: a small seeded generator, so `--seed` fixes the programs and the fault draws. */
function seeded(a) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rng = seeded(seed);
// The emulator runs in this process: its random faults draw from the seeded generator too.
Math.random = seeded(seed ^ 0x5bd1e995);

const cliDir = process.env.PULUMI_PLANETSCALE_CLI_DIR || cliDirectory();
const started = Date.now();
const log = (line) => console.log(line);
log(
  `chaos ${quick ? "--quick " : ""}--seed ${seed} --runs ${runs}${values.skip.map((w) => ` --skip "${w}"`).join("")}${values.only.map((w) => ` --only "${w}"`).join("")}: ` +
    `node ${process.version}, ${availableParallelism()} CPUs, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);

const totals = emptyTotals();
let crashed = 0;
for (const [title, run, emulatorOptions] of scenarios({ quick, runs })) {
  if (values.skip.some((word) => title.includes(word))) continue;
  if (values.only.length > 0 && !values.only.some((word) => title.includes(word))) continue;
  const t0 = Date.now();
  log(`\n${title}`);
  const s = await new Scenario({ title, cliDir, totals, log, keep: values.keep }).start(emulatorOptions);
  try {
    await run(s, { quick, rng });
  } catch (error) {
    // A scenario that cannot finish is reported (and fails the run); its figures are still taken.
    log(`  scenario failed: ${error.stack ?? error}`);
    crashed++;
  } finally {
    await s.finish();
  }
  log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const t = totals;
const bad =
  crashed > 0 ||
  t.lost + t.duplicates + t.orphans + t.foreignTouched + t.leaks + t.foreignDeleted + t.doubleHeld > 0 ||
  t.recovered !== t.interrupted ||
  t.badRefused !== t.badTried ||
  t.racesClean !== t.racesTried;
if (crashed > 0) log(`\n${crashed} scenario(s) could not finish: their figures are incomplete`);
log(
  `\n${bad ? "FAIL" : "PASS"} after ${((Date.now() - started) / 1000).toFixed(0)} s, load ${loadavg()[0].toFixed(2)}`,
);
log(
  `chaos: ops=${t.ops} faults=${t.faults} lost=${t.lost} duplicates=${t.duplicates} orphans=${t.orphans} ` +
    `foreign_touched=${t.foreignTouched} leaks=${t.leaks} recovered=${t.recovered}/${t.interrupted} ` +
    `bad_inputs=${t.badRefused}/${t.badTried} stacks=${t.stacks} foreign_deleted=${t.foreignDeleted} double_held=${t.doubleHeld} races=${t.racesClean}/${t.racesTried}`,
);
process.exit(bad ? 1 : 0);
