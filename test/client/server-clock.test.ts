import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ServerClock } from "../../provider/internal/client/server-clock";

const at = (iso: string) => Date.parse(iso);

describe("ServerClock", () => {
  test("without an answer, allows the fallback skew either side", () => {
    assert.deepEqual(new ServerClock().range(1_000_000, 5000), { earliest: 995_000, latest: 1_005_000 });
  });

  test("bounds the offset by one Date header and the request's round trip", () => {
    const clock = new ServerClock();
    // The server's clock is 2 minutes ahead; the answer took 40 ms; its Date is whole seconds.
    const local = at("2026-01-01T00:00:00.300Z");
    clock.observe(local, local + 40, new Date(local + 120_000 - 300).toUTCString());
    const { earliest, latest } = clock.range(local, 5000);
    assert.ok(earliest <= local + 120_000 && local + 120_000 <= latest, "the true time is inside");
    assert.ok(latest - earliest <= 1040, `at most a second plus the round trip (${latest - earliest})`);
  });

  test("narrows with answers that straddle a second boundary", () => {
    const clock = new ServerClock();
    const offset = 7_250; // server ahead by 7.25 s
    for (const sent of [at("2026-01-01T00:00:00.000Z"), at("2026-01-01T00:00:00.740Z")]) {
      const serverNow = sent + 5 + offset;
      clock.observe(sent, sent + 10, new Date(Math.floor(serverNow / 1000) * 1000).toUTCString());
    }
    const local = at("2026-01-01T00:00:01.000Z");
    const { earliest, latest } = clock.range(local, 5000);
    assert.ok(earliest <= local + offset && local + offset <= latest);
    assert.ok(latest - earliest < 300, `narrowed to ${latest - earliest} ms`);
  });

  test("ignores a missing or unparsable Date", () => {
    const clock = new ServerClock();
    clock.observe(0, 10, undefined);
    clock.observe(0, 10, "yesterday");
    assert.deepEqual(clock.range(100_000, 1000), { earliest: 99_000, latest: 101_000 });
  });
});
