// The readiness poller: adaptive backoff, progress lines for long waits, the deadline.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  POLL_CAP_MS,
  POLL_START_MS,
  WaitTimeoutError,
  waitFor,
} from "../../provider/internal/branch/readiness";

/** A fake clock that sleeping advances, so a 40-second wait takes no time. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    elapsed: () => now - 1_000_000,
  };
}

test("backs off from 250 ms to a 5 s cap and prints progress about every 10 s", async () => {
  const time = fakeTime();
  const logs: string[] = [];
  const result = await waitFor({
    subject: "branch pr-12",
    poll: async () => (time.elapsed() >= 40_000 ? "ready" : "pending"),
    isDone: (state) => state === "ready",
    describe: (state) => state,
    deadline: time.now() + 20 * 60_000,
    ctx: { log: (m) => logs.push(m) },
    sleep: time.sleep,
    now: time.now,
  });
  assert.equal(result, "ready");
  assert.equal(time.sleeps[0], POLL_START_MS);
  assert.ok(
    time.sleeps.every((ms, i) => i === 0 || ms >= (time.sleeps[i - 1] ?? 0)),
    "delays never shrink",
  );
  assert.equal(Math.max(...time.sleeps), POLL_CAP_MS);
  assert.ok(logs.length >= 3 && logs.length <= 4, `one line per ~10 s over 40 s, got ${logs.length}`);
  assert.match(logs[0] ?? "", /^branch pr-12 is pending \(1\d s\)$/);
});

test("gives up at the deadline with the last state", async () => {
  const time = fakeTime();
  await assert.rejects(
    waitFor({
      subject: "branch slow",
      poll: async () => ({ state: "pending" }),
      isDone: () => false,
      describe: (b) => b.state,
      deadline: time.now() + 30_000,
      ctx: { log: () => {} },
      sleep: time.sleep,
      now: time.now,
    }),
    (e: unknown) =>
      e instanceof WaitTimeoutError &&
      /branch slow is still pending after 30 s/.test(e.message) &&
      (e.last as { state: string }).state === "pending",
  );
});
