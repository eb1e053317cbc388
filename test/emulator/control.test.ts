/** The request log (never secrets) and the /_emulator control endpoints. */
import * as assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Emulator } from "../../emulator/index";
import { ADMIN, branchesPath, call, makeToken, start } from "./helpers";

describe("request log and control endpoint", () => {
  let emu: Emulator;
  before(async () => {
    emu = await start();
  });
  after(() => emu.stop());

  it("logs method, path, query, status and credential id, never a secret", async () => {
    emu.clearRequests();
    const cred = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    await call(emu, "GET", `${branchesPath()}?per_page=2&q=ma`, { cred });
    await call(emu, "GET", "/organizations", { cred: { id: cred.id, token: "pscale_tkn_wrong" } });
    const log = emu.requests();
    assert.equal(log.length, 4);
    assert.deepEqual(
      log.map((e) => [e.method, e.path, e.status, e.credentialId]),
      [
        ["POST", "/v1/organizations/acme/service-tokens", 200, ADMIN.id],
        ["POST", `/v1/organizations/acme/service-tokens/${cred.id}/access`, 200, ADMIN.id],
        ["GET", "/v1/organizations/acme/databases/app/branches", 200, cred.id],
        ["GET", "/v1/organizations", 401, null],
      ],
    );
    assert.equal(log[2]?.query, "per_page=2&q=ma");
    assert.ok(!Number.isNaN(Date.parse(log[0]?.at ?? "")));
    const text = JSON.stringify(log);
    assert.ok(!text.includes(cred.token) && !text.includes(ADMIN.token));
    const http = await (await fetch(`${emu.url}/_emulator/requests`)).json();
    assert.deepEqual(http, log);
    assert.equal((await fetch(`${emu.url}/_emulator/requests`, { method: "DELETE" })).status, 204);
    assert.deepEqual(emu.requests(), []);
  });

  it("GET /_emulator/health, /state; PUT /_emulator/ready-delay", async () => {
    const health = (await (await fetch(`${emu.url}/_emulator/health`)).json()) as Record<string, unknown>;
    assert.equal(health.ok, true);
    assert.equal(health.apiUrl, emu.apiUrl);
    assert.equal(health.organization, "acme");
    const put = await fetch(`${emu.url}/_emulator/ready-delay`, {
      method: "PUT",
      body: JSON.stringify({ ms: 0 }),
    });
    assert.equal(put.status, 200);
    const b = await call(emu, "POST", branchesPath(), { body: { name: "instant" } });
    assert.equal(b.body.state, "ready");
    assert.equal(
      (await fetch(`${emu.url}/_emulator/ready-delay`, { method: "PUT", body: '{"ms":-1}' })).status,
      400,
    );
    emu.setReadyDelay(50);
    const state = await (await fetch(`${emu.url}/_emulator/state`)).json();
    assert.deepEqual(state, emu.snapshot());
    assert.ok(state.branches.some((x: { name: string; ready: boolean }) => x.name === "instant" && x.ready));
    assert.deepEqual(
      state.databases.map((d: { name: string }) => d.name),
      ["app", "other"],
    );
    assert.ok(state.serviceTokens.every((t: object) => !("secretHash" in t)));
    assert.equal((await fetch(`${emu.url}/_emulator/nope`)).status, 404);
    // Control calls are not logged.
    assert.ok(emu.requests().every((e) => e.path.startsWith("/v1")));
  });
});
