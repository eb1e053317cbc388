/** Per-credential sliding-window rate limit → 429 rate_limited with Retry-After. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { call, makeToken } from "../support/api";
import { emulator } from "../support/emulator";

describe("rate limit", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({ rateLimitPerMinute: 5 });
  });
  after(() => emu.stop());

  test("answers 429 with Retry-After once a credential exceeds its per-minute budget, per credential", async () => {
    // makeToken spends 2 of the admin's 5 requests (create + grant).
    const cred = await makeToken(emu, [{ access: ["read_organization"] }]);
    for (let i = 0; i < 5; i++) {
      assert.equal((await call(emu, "GET", "/organizations/acme", { cred })).status, 200, `request ${i + 1}`);
    }
    const limited = await call(emu, "GET", "/organizations/acme", { cred });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "rate_limited");
    assert.match(limited.body.message, /5 requests per minute/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    // The admin credential has its own window (3 of 5 left).
    assert.equal((await call(emu, "GET", "/organizations/acme")).status, 200);
    assert.equal(emu.requests().at(-2)?.status, 429);
    assert.equal(emu.requests().at(-2)?.credentialId, cred.id);
  });

  test("setRateLimit replaces the limit and resets the windows", async () => {
    emu.setRateLimit(1000);
    assert.equal((await call(emu, "GET", "/organizations/acme")).status, 200);
  });
});
