/** The request log (never secrets) and the /_emulator control endpoints. */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { type Emulator, startEmulator } from "../../emulator/index";
import { branchesPath, call, makeToken } from "../support/api";
import { ADMIN, emulator } from "../support/emulator";

describe("request log and control endpoint", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("logs method, path, query, status and credential id, never a secret", async () => {
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

  test("GET /_emulator/health, /state; PUT /_emulator/ready-delay", async () => {
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
      ["app", "other", "pg-app"],
    );
    assert.ok(state.serviceTokens.every((t: object) => !("secretHash" in t)));
    assert.equal((await fetch(`${emu.url}/_emulator/nope`)).status, 404);
    // Control calls are not logged.
    assert.ok(emu.requests().every((e) => e.path.startsWith("/v1")));
  });
});

/** One raw request with headers of our choosing (fetch forbids setting `Host` and `Origin`). */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body = "",
): Promise<{ status: number; body: { code?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => {
        text += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("control API answers only local tools", () => {
  let emu: Emulator;
  let port: string;
  before(async () => {
    emu = await emulator();
    port = new URL(emu.url).port;
  });
  after(() => emu.stop());

  // A rule that would answer every API call, authenticated or not: what a rebinding page would install.
  const rule = JSON.stringify({ rules: [{ path: "**", action: "status", status: 503, times: 100 }] });

  test("refuses a DNS-rebinding request (Host: evil.example) and any non-loopback Host, and installs nothing", async () => {
    for (const host of ["evil.example", `evil.example:${"PORT"}`, "10.0.0.5", "127.0.0.1.evil.example"]) {
      const h = host.replace("PORT", port);
      const put = await rawRequest(`${emu.url}/_emulator/faults`, "PUT", { host: h }, rule);
      assert.equal(put.status, 403, `Host: ${h}`);
      assert.equal(put.body.code, "forbidden");
      assert.match(put.body.message ?? "", /127\.0\.0\.1, localhost or \[::1\]/);
      const log = await rawRequest(`${emu.url}/_emulator/requests`, "GET", { host: h });
      assert.equal(log.status, 403, `GET requests with Host: ${h}`);
    }
    const faults = (await (await fetch(`${emu.url}/_emulator/faults`)).json()) as { rules?: unknown[] };
    assert.deepEqual(faults.rules ?? [], [], "no rule was installed");
  });

  test("answers loopback Host names, with or without a port", async () => {
    const put = await rawRequest(`${emu.url}/_emulator/faults`, "PUT", { host: `127.0.0.1:${port}` }, rule);
    assert.equal(put.status, 200, "the same rule is accepted from a local tool");
    emu.setFaults({});
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      "127.0.0.1",
    ]) {
      const r = await rawRequest(`${emu.url}/_emulator/health`, "GET", { host });
      assert.equal(r.status, 200, `Host: ${host}`);
    }
  });

  test("refuses cross-origin browser requests (Origin of another site, Origin: null, Sec-Fetch-Site: cross-site)", async () => {
    const host = `127.0.0.1:${port}`;
    const refused: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: `http://localhost:${Number(port) + 1}` },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const extra of refused) {
      const r = await rawRequest(`${emu.url}/_emulator/faults`, "PUT", { host, ...extra }, rule);
      assert.equal(r.status, 403, JSON.stringify(extra));
      assert.match(r.body.message ?? "", /cross-origin/);
    }
    const faults = (await (await fetch(`${emu.url}/_emulator/faults`)).json()) as { rules?: unknown[] };
    assert.deepEqual(faults.rules ?? [], []);
    for (const extra of [
      { origin: `http://${host}` },
      { "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "none" },
    ]) {
      const r = await rawRequest(`${emu.url}/_emulator/health`, "GET", { host, ...extra });
      assert.equal(r.status, 200, JSON.stringify(extra));
    }
  });

  test("a non-loopback host needs allowRemote", async () => {
    await assert.rejects(
      startEmulator({ host: "0.0.0.0", quiet: true }),
      /not a loopback address.*allowRemote/,
    );
  });
});
