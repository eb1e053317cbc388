import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  closeAllClients,
  getClient,
  getSharedDispatcher,
  PlanetScaleClient,
  packageVersion,
  type Settings,
} from "../../provider/internal/client/index";
import { ScriptedServer } from "../support/scripted-server";

after(() => closeAllClients());

function settingsFor(url: string, overrides: Partial<Settings> = {}): Settings {
  return {
    apiUrl: url,
    credential: { kind: "serviceToken", id: "conn-id", token: "conn-token" },
    timeoutMs: 5_000,
    maxRetries: 0,
    requestsPerMinute: 0,
    ...overrides,
  };
}

describe("connection pool", () => {
  test("reuses one TCP connection for many sequential requests, across clients", async () => {
    const server = await ScriptedServer.start({ fallback: { json: { ok: true } } });
    try {
      const a = getClient(settingsFor(server.url));
      const b = getClient(settingsFor(server.url, { timeoutMs: 7_000 }));
      assert.notEqual(a, b);
      for (let i = 0; i < 100; i++) await (i % 2 ? a : b).request({ method: "GET", path: `/r/${i}` });
      assert.equal(server.requests.length, 100);
      assert.equal(server.connections, 1);
    } finally {
      await server.close();
    }
  });

  test("opens a fresh pool after closeAllClients", async () => {
    const server = await ScriptedServer.start({ fallback: { json: {} } });
    try {
      const first = getSharedDispatcher();
      const client = getClient(settingsFor(server.url));
      await client.request({ method: "GET", path: "/a" });
      await closeAllClients();
      assert.notEqual(getSharedDispatcher(), first);
      assert.notEqual(getClient(settingsFor(server.url)), client, "clients are forgotten too");
      await client.request({ method: "GET", path: "/b" });
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });
});

describe("request shape", () => {
  test("sends auth, user agent, accept and JSON bodies (DELETE included)", async () => {
    const server = await ScriptedServer.start({ fallback: { status: 204 } });
    try {
      const svc = new PlanetScaleClient(settingsFor(server.url));
      const oauth = new PlanetScaleClient(
        settingsFor(server.url, { credential: { kind: "accessToken", token: "oat" } }),
      );
      await svc.request({ method: "GET", path: "/o", query: { a: "x y", b: 2, c: true, d: undefined } });
      await oauth.request({
        method: "DELETE",
        path: "/organizations/acme/service-tokens/t1/access",
        body: { database: "app", access: ["read_branch"] },
      });
      const [get, del] = server.requests;
      assert.equal(get?.headers.authorization, "conn-id:conn-token");
      assert.equal(get?.headers["user-agent"], `pulumi-planetscale/${packageVersion()}`);
      assert.match(packageVersion(), /^\d+\.\d+\.\d+/);
      assert.equal(get?.headers.accept, "application/json");
      assert.equal(get?.headers["content-type"], undefined);
      assert.equal(get?.url, "/v1/o?a=x+y&b=2&c=true");
      assert.equal(del?.method, "DELETE");
      assert.equal(del?.headers.authorization, "Bearer oat");
      assert.equal(del?.headers["content-type"], "application/json");
      assert.deepEqual(del?.json, { database: "app", access: ["read_branch"] });
    } finally {
      await server.close();
    }
  });

  test("rejects paths that could leave the API base", async () => {
    const client = new PlanetScaleClient(settingsFor("http://127.0.0.1:9/v1"));
    await assert.rejects(client.request({ method: "GET", path: "organizations" }), TypeError);
    await assert.rejects(client.request({ method: "GET", path: "//evil.example.com/x" }), TypeError);
  });
});
