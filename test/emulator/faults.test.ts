/** Fault injection: latency, injected statuses, drops, fail-after-acting, targeted rules, control endpoint. */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { PathGlob } from "../../emulator/pipeline/fault-rules";
import { branchesPath, call, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

const P = branchesPath();

async function dropped(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    return e instanceof TypeError; // undici: "fetch failed" (socket closed without a response)
  }
}

describe("faults", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  beforeEach(() => emu.setFaults({}));
  after(() => emu.stop());

  test("path globs: * is one segment, ** any number", () => {
    assert.ok(
      new PathGlob("/organizations/*/databases/*/branches").test(
        "/organizations/acme/databases/app/branches",
      ),
    );
    assert.ok(!new PathGlob("/organizations/*").test("/organizations/acme/databases"));
    assert.ok(new PathGlob("**/branches/pr-*").test("/organizations/acme/databases/app/branches/pr-7"));
    assert.ok(new PathGlob("/organizations/**").test("/organizations"));
    assert.ok(new PathGlob("**").test("/anything/at/all"));
    assert.ok(!new PathGlob("**/promote").test("/organizations/acme/databases/app/branches/x"));
  });

  test("adds latency", async () => {
    emu.setFaults({ latencyMs: 120, jitterMs: 10 });
    const t0 = Date.now();
    assert.equal((await call(emu, "GET", "/organizations")).status, 200);
    assert.ok(Date.now() - t0 >= 115, `took ${Date.now() - t0} ms`);
  });

  test("injects each status by probability, before auth and routing", async () => {
    for (const code of ["429", "500", "502", "503"] as const) {
      emu.setFaults({ statusProbability: { [code]: 1 } });
      const r = await call(emu, "GET", "/organizations", { cred: null });
      assert.equal(r.status, Number(code));
      assert.equal(r.headers.get("x-emulator-fault"), "injected");
      if (code === "429") {
        assert.equal(r.body.code, "rate_limited");
        assert.equal(r.headers.get("retry-after"), "1");
      }
      if (code === "502") assert.match(r.text, /<html>/);
      if (code === "500") assert.equal(r.body.code, "internal_server_error");
    }
  });

  test("drops connections by probability", async () => {
    emu.setFaults({ dropProbability: 1 });
    assert.ok(await dropped(call(emu, "GET", "/organizations")));
    assert.equal(emu.requests().at(-1)?.status, 0);
    emu.setFaults({});
    assert.equal((await call(emu, "GET", "/organizations")).status, 200);
  });

  test("marks each injected fault in the request log, and only those", async () => {
    emu.setFaults({
      rules: [
        { method: "GET", path: "/organizations", action: "status", status: 503 },
        { method: "GET", path: "/organizations", action: "drop" },
        { method: "POST", path: P, action: "fail-after-acting", status: 201, body: "not json" },
        { method: "POST", path: P, action: "apply-late", status: 504, delayMs: 0 },
      ],
    });
    emu.clearRequests();
    await call(emu, "GET", "/organizations");
    await dropped(call(emu, "GET", "/organizations"));
    await call(emu, "POST", P, { body: { name: "marked-1" } });
    await call(emu, "POST", P, { body: { name: "marked-2" } });
    await call(emu, "GET", "/organizations");
    await emu.lateApplied();
    assert.deepEqual(
      emu.requests().map((r) => [r.status, r.fault]),
      [
        [503, "status"],
        [0, "drop"],
        [201, "fail-after-acting"],
        [504, "apply-late"],
        [200, undefined],
      ],
    );
  });

  test("fail-after-acting (status): the change happens, the answer is 5xx", async () => {
    emu.setFaults({ failAfterActing: { probability: 1, mode: "status", status: 503 } });
    const r = await call(emu, "POST", P, { body: { name: "acted-1" } });
    assert.equal(r.status, 503);
    assert.equal(
      (await call(emu, "GET", `${P}/acted-1`)).status,
      200,
      "GETs are not affected and the branch exists",
    );
  });

  test("fail-after-acting (drop): the change happens, the connection is dropped", async () => {
    emu.setFaults({ failAfterActing: { probability: 1, mode: "drop" } });
    assert.ok(await dropped(call(emu, "POST", P, { body: { name: "acted-2" } })));
    emu.setFaults({});
    assert.equal((await call(emu, "GET", `${P}/acted-2`)).status, 200);
  });

  test("targeted rules: method + glob, custom status/body/headers, consumed after `times`", async () => {
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/*/databases/app/branches",
          action: "status",
          status: 429,
          headers: { "Retry-After": "7" },
          times: 2,
        },
        {
          method: "GET",
          path: "**/branches/main",
          action: "status",
          status: 500,
          body: { code: "boom", message: "x" },
        },
      ],
    });
    for (let i = 0; i < 2; i++) {
      const r = await call(emu, "POST", P, { body: { name: "ruled" } });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "7");
    }
    assert.equal((await call(emu, "POST", P, { body: { name: "ruled" } })).status, 201, "rule used up");
    assert.equal((await call(emu, "GET", branchesPath("other"))).status, 200, "other paths untouched");
    const boom = await call(emu, "GET", `${P}/main`);
    assert.equal(boom.status, 500);
    assert.deepEqual(boom.body, { code: "boom", message: "x" });
    assert.equal((await call(emu, "GET", `${P}/main`)).status, 200);
  });

  test("targeted drop and fail-after-acting rules", async () => {
    emu.setFaults({
      rules: [
        { method: "DELETE", path: "**/branches/*", action: "fail-after-acting", status: 502 },
        { method: "GET", path: "/organizations", action: "drop" },
        { method: "PATCH", path: "**", action: "fail-after-acting", mode: "drop" },
      ],
    });
    await call(emu, "POST", P, { body: { name: "doomed" } });
    await waitReady(emu, "doomed");
    const del = await call(emu, "DELETE", `${P}/doomed`);
    assert.equal(del.status, 502);
    assert.equal((await call(emu, "GET", `${P}/doomed`)).status, 404, "deleted despite the 502");
    assert.ok(await dropped(call(emu, "GET", "/organizations")));
    assert.ok(await dropped(call(emu, "PATCH", `${P}/main`, { body: { deletion_protected: true } })));
    assert.equal(
      (await call(emu, "GET", `${P}/main`)).body.deletion_protected,
      true,
      "patched despite the drop",
    );
    await call(emu, "PATCH", `${P}/main`, { body: { deletion_protected: false } });
  });

  test("PUT /_emulator/faults replaces the settings; invalid settings are 400", async () => {
    const put = await fetch(`${emu.url}/_emulator/faults`, {
      method: "PUT",
      body: JSON.stringify({ rules: [{ path: "/organizations", action: "status", status: 503, times: 1 }] }),
    });
    assert.equal(put.status, 200);
    assert.equal((await call(emu, "GET", "/organizations")).status, 503);
    assert.equal((await call(emu, "GET", "/organizations")).status, 200);
    const bad = await fetch(`${emu.url}/_emulator/faults`, {
      method: "PUT",
      body: JSON.stringify({ dropProbability: 7 }),
    });
    assert.equal(bad.status, 400);
    const bad2 = await fetch(`${emu.url}/_emulator/faults`, { method: "PUT", body: "{nope" });
    assert.equal(bad2.status, 400);
    assert.throws(
      () => emu.setFaults({ rules: [{ path: "x", action: "explode" as "drop" }] }),
      /invalid fault settings/,
    );
  });
});
