// The readiness poller: the max(0.3 s, 10%) schedule, progress lines for long waits, the deadline.
import assert from "node:assert/strict";
import { test } from "node:test";
import { POLL_CAP_MS, POLL_MIN_MS, waitFor } from "../../provider/internal/branch/readiness";
import { NotReadyError } from "../../provider/internal/resource-errors";

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

/** Waits with a fake clock for readiness at `readyAt` ms; returns the polls and how late readiness was seen. */
async function waitForReadyAt(readyAt: number, logs: string[] = []) {
  const time = fakeTime();
  let polls = 0;
  const result = await waitFor({
    subject: "branch pr-12",
    current: "pending",
    poll: async () => {
      polls++;
      return time.elapsed() >= readyAt ? "ready" : "pending";
    },
    isDone: (state) => state === "ready",
    describe: (state) => state,
    deadline: time.now() + 20 * 60_000,
    ctx: { log: (m) => logs.push(m) },
    sleep: time.sleep,
    now: time.now,
  });
  return { result, polls, late: time.elapsed() - readyAt, sleeps: time.sleeps };
}

test("sees readiness within max(0.3 s, 10% of the wait), never polling sooner than 0.3 s after the create", async () => {
  for (const readyAt of [1, 200, 500, 1_000, 2_950, 3_000, 7_777, 20_000, 61_000, 299_000]) {
    const { result, late, sleeps } = await waitForReadyAt(readyAt);
    assert.equal(result, "ready");
    assert.equal(sleeps[0], POLL_MIN_MS, "the first poll waits: the create's answer already said pending");
    assert.ok(
      late <= Math.max(POLL_MIN_MS, 0.1 * readyAt) + 1,
      `ready at ${readyAt} ms, seen ${late} ms late`,
    );
  }
});

test("the number of polls: about 30 by 20 s, 66 by 10 min, at most 30 s apart", async () => {
  const at20 = await waitForReadyAt(20_000);
  assert.ok(at20.polls >= 25 && at20.polls <= 32, `${at20.polls} polls for 20 s`);
  const logs: string[] = [];
  const at600 = await waitForReadyAt(600_000, logs);
  assert.ok(at600.polls <= 70, `${at600.polls} polls for 10 min`);
  assert.equal(Math.max(...at600.sleeps), POLL_CAP_MS);
  assert.ok(
    at600.sleeps.every((ms, i) => i === 0 || ms >= (at600.sleeps[i - 1] ?? 0)),
    "gaps never shrink",
  );
  assert.match(logs[0] ?? "", /^branch pr-12 is pending \(1\d s\)$/);
});

test("returns at once, without polling, when the current state is already done", async () => {
  const time = fakeTime();
  let polls = 0;
  const value = await waitFor({
    subject: "b",
    current: "ready",
    poll: async () => {
      polls++;
      return "ready";
    },
    isDone: (s) => s === "ready",
    describe: (s) => s,
    deadline: time.now() + 1000,
    ctx: { log: () => {} },
    sleep: time.sleep,
    now: time.now,
  });
  assert.equal(value, "ready");
  assert.equal(polls, 0);
  assert.deepEqual(time.sleeps, []);
});

test("gives up at the deadline with the last state", async () => {
  const time = fakeTime();
  await assert.rejects(
    waitFor({
      subject: "branch slow",
      current: { state: "pending" },
      poll: async () => ({ state: "pending" }),
      isDone: () => false,
      describe: (b) => b.state,
      deadline: time.now() + 30_000,
      ctx: { log: () => {} },
      sleep: time.sleep,
      now: time.now,
    }),
    (e: unknown) =>
      e instanceof NotReadyError &&
      /branch slow is still pending after 30 s/.test(e.message) &&
      (e.last as { state: string }).state === "pending",
  );
});
