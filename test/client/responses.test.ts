import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as z from "zod";
import { MAX_RESPONSE_BYTES } from "../../provider/internal/client/exchange";
import {
  ConnectionError,
  ForbiddenError,
  NotFoundError,
  OutcomeUnknownError,
  type PlanetScaleClient,
  ResponseValidationError,
  ServerError,
  UnprocessableEntityError,
} from "../../provider/internal/client/index";
import { type ScriptedServer, startScriptedClient, stopScriptedClients } from "../support/scripted-server";

const Thing = z.looseObject({ id: z.string(), count: z.number(), parent: z.string().nullable() });

let server: ScriptedServer;
let client: PlanetScaleClient;
before(async () => {
  ({ server, client } = await startScriptedClient({
    credential: { kind: "accessToken", token: "tok-responses" },
    maxRetries: 1,
  }));
});
after(stopScriptedClients);

describe("successful answers", () => {
  test("returns the validated body", async () => {
    server.push({ json: { id: "a", count: 2, parent: null, more: [1] } });
    assert.deepEqual(await client.request({ method: "GET", path: "/t", schema: Thing }), {
      id: "a",
      count: 2,
      parent: null,
      more: [1],
    });
  });

  test("returns undefined for 204 and empty bodies when no schema is given", async () => {
    server.push({ status: 204 }, { status: 200, body: "" });
    assert.equal(await client.request({ method: "DELETE", path: "/t" }), undefined);
    assert.equal(await client.request({ method: "DELETE", path: "/t" }), undefined);
  });

  test("accepts an empty body when the schema allows undefined", async () => {
    server.push({ status: 204 });
    assert.equal(await client.request({ method: "DELETE", path: "/t", schema: Thing.optional() }), undefined);
  });
});

describe("malformed successful answers → ResponseValidationError", () => {
  test("an HTML page with status 200", async () => {
    server.push({
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html><body>Bad gateway</body></html>",
    });
    await assert.rejects(client.request({ method: "GET", path: "/t", schema: Thing }), (err: unknown) => {
      assert.ok(err instanceof ResponseValidationError);
      assert.equal(err.code, "PLANETSCALE_INVALID_RESPONSE");
      assert.equal(
        err.message,
        "GET /t → 200 but the body is not valid JSON: non-JSON response body (text/html, 37 bytes) (after 0 retries)",
      );
      return true;
    });
  });

  test("truncated JSON", async () => {
    server.push({
      json: undefined,
      body: '{"id":"a","count":',
      headers: { "content-type": "application/json" },
    });
    await assert.rejects(
      client.request({ method: "GET", path: "/t", schema: Thing }),
      (err: unknown) => err instanceof ResponseValidationError && /not valid JSON/.test(err.message),
    );
  });

  test("wrong types and missing fields, listed by path", async () => {
    server.push({ json: { id: 12, parent: "p" } });
    await assert.rejects(client.request({ method: "GET", path: "/t", schema: Thing }), (err: unknown) => {
      assert.ok(err instanceof ResponseValidationError);
      assert.match(err.message, /^GET \/t → 200 but the response does not have the expected shape: /);
      assert.match(err.message, /id: Invalid input: expected string, received number/);
      assert.match(err.message, /count: Invalid input: expected number, received undefined/);
      assert.ok(err.message.length < 400, "short");
      return true;
    });
  });

  test("an empty 200 when a body is expected", async () => {
    server.push({ status: 200, body: "" });
    await assert.rejects(
      client.request({ method: "GET", path: "/t", schema: Thing }),
      (err: unknown) =>
        err instanceof ResponseValidationError &&
        /expected a JSON body, got empty response body/.test(err.message),
    );
  });

  test("a JSON array instead of an object", async () => {
    server.push({ json: [1, 2] });
    await assert.rejects(
      client.request({ method: "GET", path: "/t", schema: Thing }),
      ResponseValidationError,
    );
  });

  test("a body cut off mid-transfer is a connection failure (retried for GET)", async () => {
    server.push({ action: "truncate", partial: '{"id":"a"' }, { action: "truncate", partial: '{"id":"a"' });
    await assert.rejects(client.request({ method: "GET", path: "/t", schema: Thing }), ConnectionError);
  });
});

describe("error answers", () => {
  test("uses PlanetScale's {code, message}", async () => {
    server.push({ status: 404, json: { code: "not_found", message: "Not Found" } });
    await assert.rejects(
      client.request({ method: "GET", path: "/organizations/acme/databases/app/branches/x" }),
      (err: unknown) =>
        err instanceof NotFoundError &&
        err.message ===
          "GET /organizations/acme/databases/app/branches/x → 404 not_found: Not Found (after 0 retries)",
    );
  });

  test("describes an empty error body", async () => {
    server.push({ status: 500, body: "" }, { status: 500, body: "" });
    await assert.rejects(
      client.request({ method: "GET", path: "/t" }),
      (err: unknown) =>
        err instanceof ServerError &&
        err.message === "GET /t → 500 internal_server_error: empty response body (after 1 retry)",
    );
  });

  test("describes an HTML error page without echoing it", async () => {
    server.push({
      status: 403,
      headers: { "content-type": "text/html; charset=utf-8" },
      body: "<html>forbidden</html>",
    });
    await assert.rejects(client.request({ method: "GET", path: "/t" }), (err: unknown) => {
      assert.ok(err instanceof ForbiddenError);
      assert.equal(
        err.message,
        "GET /t → 403 forbidden: non-JSON response body (text/html, 22 bytes) (after 0 retries)",
      );
      assert.equal(err.apiCode, undefined);
      return true;
    });
  });

  test("summarises an `errors` array and JSON without a message", async () => {
    server.push(
      {
        status: 422,
        json: { errors: [{ namespace: "pgconf", name: "max_connections", errors: ["is too large"] }] },
      },
      { status: 422, json: { unexpected: true } },
    );
    await assert.rejects(
      client.request({ method: "PATCH", path: "/t", body: {} }),
      (err: unknown) =>
        err instanceof UnprocessableEntityError && err.apiMessage === "max_connections: is too large",
    );
    await assert.rejects(
      client.request({ method: "PATCH", path: "/t", body: {} }),
      (err: unknown) =>
        err instanceof UnprocessableEntityError &&
        /422 unprocessable_entity: no error message in the response body/.test(err.message),
    );
  });

  test("shortens a huge error message", async () => {
    server.push({ status: 400, json: { code: "bad_request", message: "x".repeat(5000) } });
    const err = (await client.request({ method: "GET", path: "/t" }).catch((e: unknown) => e)) as Error;
    assert.ok(err.message.length < 500);
  });
});

describe("unreadable successful answers to non-idempotent requests → OutcomeUnknownError", () => {
  // The server acted (2xx), but what it made cannot be seen: the caller must look it up.
  const cases: Array<[string, { body?: string; json?: unknown }]> = [
    ["invalid JSON", { body: "{not json" }],
    ["an empty body", { body: "" }],
    ["the wrong shape", { json: { unexpected: true } }],
  ];
  for (const [what, answer] of cases) {
    test(`${what} to a POST`, async () => {
      server.push({ status: 201, ...answer });
      await assert.rejects(client.request({ method: "POST", path: "/t", body: {}, schema: Thing }), (err) => {
        assert.ok(err instanceof OutcomeUnknownError, String(err));
        assert.ok(err.cause instanceof ResponseValidationError);
        return true;
      });
    });
  }

  test("an answer larger than the client reads, to a POST", async () => {
    server.push({ status: 201, body: `{"id":"${"x".repeat(MAX_RESPONSE_BYTES)}"}` });
    await assert.rejects(client.request({ method: "POST", path: "/t", body: {}, schema: Thing }), (err) => {
      assert.ok(err instanceof OutcomeUnknownError, String(err));
      assert.match(err.message, /RESPONSE_TOO_LARGE/);
      return true;
    });
  });
});
