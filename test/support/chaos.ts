/** Reading `npm run chaos`'s output in tests. */
import assert from "node:assert/strict";

/**
 * The figures of chaos's last line, by name. `stderr` is shown when the line is missing: a chaos
 * process that died before its summary says why there.
 */
export function figures(stdout: string, stderr = ""): Record<string, string> {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  assert.match(
    last,
    /^chaos: ops=\d+ faults=\d+ lost=\d+ duplicates=\d+ orphans=\d+ foreign_touched=\d+ leaks=\d+ recovered=\d+\/\d+ bad_inputs=\d+\/\d+ stacks=\d+ foreign_deleted=\d+ double_held=\d+ races=\d+\/\d+$/,
    `the last line is chaos's summary:\n${stdout}\nstderr:\n${stderr}`,
  );
  return Object.fromEntries(
    last
      .slice("chaos: ".length)
      .split(" ")
      .map((pair) => pair.split("=") as [string, string]),
  );
}
