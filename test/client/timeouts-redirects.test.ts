import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  closeAllClients,
  OutcomeUnknownError,
  PlanetScaleClient,
  RedirectError,
  type Settings,
  TimeoutError,
} from "../../provider/internal/client/index";
import { ScriptedServer } from "../support/scripted-server";

after(() => closeAllClients());

const TOKEN = "pscale_tkn_redirectsecret";
function settingsFor(url: string, overrides: Partial<Settings> = {}): Settings {
  return {
    apiUrl: url,
    credential: { kind: "serviceToken", id: "rid", token: TOKEN },
    timeoutMs: 5_000,
    maxRetries: 2,
    requestsPerMinute: 0,
    ...overrides,
  };
}
const noSleep = { sleep: async () => {} };

async function withServers(n: number, fn: (...servers: ScriptedServer[]) => Promise<void>): Promise<void> {
  const servers = await Promise.all(Array.from({ length: n }, () => ScriptedServer.start()));
  try {
    await fn(...servers);
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

describe("timeouts", () => {
  test("fails a GET that gets no answer with a TimeoutError naming method and path", () =>
    withServers(1, async (server) => {
      server.setFallback({ action: "hang" });
      const client = new PlanetScaleClient(settingsFor(server.url, { timeoutMs: 150 }), noSleep);
      const started = performance.now();
      await assert.rejects(client.request({ method: "GET", path: "/organizations/acme" }), (err: unknown) => {
        assert.ok(err instanceof TimeoutError);
        assert.equal(err.code, "PLANETSCALE_TIMEOUT");
        assert.match(err.message, /^GET \/organizations\/acme → no complete answer within 150 ms/);
        assert.equal(err.retries, 0, "a timeout spends the budget: not retried");
        return true;
      });
      // Not before its deadline; how much later depends on the machine's load, so no upper bound.
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 140, `gave up after ${elapsed} ms, before its 150 ms`);
      // Under load the client may give up before the server has read the request: at most one.
      assert.ok(server.requests.length <= 1, `${server.requests.length} requests: retried after a timeout`);
    }));

  test("times out a body that stops half way", () =>
    withServers(1, async (server) => {
      server.push((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"id":');
      });
      const client = new PlanetScaleClient(settingsFor(server.url, { timeoutMs: 150 }), noSleep);
      await assert.rejects(client.request({ method: "GET", path: "/slow-body" }), TimeoutError);
    }));

  test("turns a POST timeout into OutcomeUnknownError carrying the TimeoutError", () =>
    withServers(1, async (server) => {
      server.setFallback({ action: "hang" });
      const client = new PlanetScaleClient(settingsFor(server.url, { timeoutMs: 100 }), noSleep);
      await assert.rejects(
        client.request({ method: "POST", path: "/b", body: { name: "x" } }),
        (err: unknown) => {
          assert.ok(err instanceof OutcomeUnknownError);
          assert.ok(err.cause instanceof TimeoutError);
          assert.match(err.message, /^POST \/b → outcome unknown: no complete answer within 100 ms/);
          return true;
        },
      );
      // Under load the client may give up before the server has read the request: at most one.
      assert.ok(server.requests.length <= 1, `${server.requests.length} requests: a POST was retried`);
    }));
});

describe("redirects", () => {
  test("follows a same-host redirect, keeping credentials on the same host", () =>
    withServers(1, async (server) => {
      server.push(
        { status: 301, headers: { location: "/v1/organizations/renamed" } },
        { status: 307, headers: { location: `${server.origin}/v1/organizations/final?x=1` } },
        { status: 200, json: { name: "final" } },
      );
      const client = new PlanetScaleClient(settingsFor(server.url), noSleep);
      assert.deepEqual(await client.request({ method: "GET", path: "/organizations/old" }), {
        name: "final",
      });
      assert.deepEqual(
        server.requests.map((r) => r.url),
        ["/v1/organizations/old", "/v1/organizations/renamed", "/v1/organizations/final?x=1"],
      );
      assert.ok(server.requests.every((r) => r.headers.authorization === `rid:${TOKEN}`));
    }));

  test("keeps method and body on 307/308 and switches to GET on 303", () =>
    withServers(1, async (server) => {
      server.push(
        { status: 308, headers: { location: "/v1/b2" } },
        { status: 303, headers: { location: "/v1/b2/result" } },
        { status: 200, json: { ok: true } },
      );
      const client = new PlanetScaleClient(settingsFor(server.url), noSleep);
      await client.request({ method: "POST", path: "/b", body: { name: "x" } });
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.path, r.body]),
        [
          ["POST", "/v1/b", '{"name":"x"}'],
          ["POST", "/v1/b2", '{"name":"x"}'],
          ["GET", "/v1/b2/result", ""],
        ],
      );
    }));

  test("refuses a redirect to another host and never sends it the credential", () =>
    withServers(2, async (api, other) => {
      api.push({ status: 302, headers: { location: `${other.origin}/v1/steal?token=abc` } });
      const client = new PlanetScaleClient(settingsFor(api.url), noSleep);
      await assert.rejects(client.request({ method: "GET", path: "/organizations/acme" }), (err: unknown) => {
        assert.ok(err instanceof RedirectError);
        assert.equal(err.code, "PLANETSCALE_REDIRECT");
        assert.match(
          err.message,
          /^GET \/organizations\/acme → 302 redirect to http:\/\/127\.0\.0\.1:\d+ refused/,
        );
        assert.match(err.message, /planetscale:apiUrl/);
        assert.ok(!err.message.includes("token=abc"), "the target's path and query are not echoed");
        return true;
      });
      assert.equal(other.requests.length, 0);
      assert.equal(api.requests.length, 1, "not retried");
    }));

  test("treats localhost and 127.0.0.1 as different hosts", () =>
    withServers(1, async (server) => {
      server.push({ status: 307, headers: { location: `http://localhost:${server.port}/v1/x` } });
      const client = new PlanetScaleClient(settingsFor(server.url), noSleep);
      await assert.rejects(client.request({ method: "GET", path: "/x" }), RedirectError);
      assert.equal(server.requests.length, 1);
    }));

  test("stops after 3 redirects", () =>
    withServers(1, async (server) => {
      server.setFallback({ status: 302, headers: { location: "/v1/loop" } });
      const client = new PlanetScaleClient(settingsFor(server.url), noSleep);
      await assert.rejects(
        client.request({ method: "GET", path: "/loop" }),
        (err: unknown) => err instanceof RedirectError && /more than 3 redirects/.test(err.message),
      );
      assert.equal(server.requests.length, 4);
    }));
});
