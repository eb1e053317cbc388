// A node:test reporter for `npm test` and `npm run test:repeat`: records how long each test file
// took, for `findTests` to start the longest files first next time, and prints the slowest ones
// at the end, so where the suite's time goes is visible in every run. (Node 20 reports each file
// as a test named after its path.)
import { relative } from "node:path";
import { DURATIONS_FILE, readDurations, writeDurations } from "./test-files.mjs";

const SHOWN = 12;

/** @param {AsyncIterable<{ type: string, data: any }>} source */
export default async function* durationsReporter(source) {
  /** @type {Record<string, number>} */
  const took = {};
  for await (const { type, data } of source) {
    if (type === "test:complete" && data.nesting === 0 && data.name === data.file && data.file) {
      // Relative to the runner's directory (the repository's root for npm test), as findTests names them.
      took[relative(process.cwd(), data.file)] = Math.round(data.details?.duration_ms ?? 0);
    }
  }
  const files = Object.entries(took).sort(([, a], [, b]) => b - a);
  if (files.length === 0) return;
  writeDurations({ ...readDurations(), ...took });
  const total = files.reduce((sum, [, ms]) => sum + ms, 0);
  yield `\nslowest test files (of ${files.length}, ${(total / 1000).toFixed(0)} s in all; recorded in ${DURATIONS_FILE}):\n`;
  for (const [file, ms] of files.slice(0, SHOWN)) yield `${(ms / 1000).toFixed(1).padStart(8)} s  ${file}\n`;
}
