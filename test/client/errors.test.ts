import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as errors from "../../provider/internal/client/errors";
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  isNotFoundError,
  isOutcomeUnknownError,
  isPlanetScaleError,
  NotFoundError,
  type PlanetScaleClient,
  PlanetScaleError,
  RateLimitError,
  ServerError,
  UnauthorizedError,
  UnprocessableEntityError,
} from "../../provider/internal/client/index";
import { type ScriptedServer, startScriptedClient, stopScriptedClients } from "../support/scripted-server";

let server: ScriptedServer;
let client: PlanetScaleClient;
before(async () => {
  ({ server, client } = await startScriptedClient({
    credential: { kind: "accessToken", token: "pscale_oauth_errors" },
    maxRetries: 0,
  }));
});
after(stopScriptedClients);

describe("error classes from status codes", () => {
  const cases: Array<[number, typeof PlanetScaleError, string]> = [
    [400, BadRequestError, "PLANETSCALE_BAD_REQUEST"],
    [401, UnauthorizedError, "PLANETSCALE_UNAUTHORIZED"],
    [403, ForbiddenError, "PLANETSCALE_FORBIDDEN"],
    [404, NotFoundError, "PLANETSCALE_NOT_FOUND"],
    [409, ConflictError, "PLANETSCALE_CONFLICT"],
    [422, UnprocessableEntityError, "PLANETSCALE_UNPROCESSABLE"],
    [429, RateLimitError, "PLANETSCALE_RATE_LIMITED"],
    [500, ServerError, "PLANETSCALE_SERVER_ERROR"],
    [502, ServerError, "PLANETSCALE_SERVER_ERROR"],
    [503, ServerError, "PLANETSCALE_SERVER_ERROR"],
    [504, ServerError, "PLANETSCALE_SERVER_ERROR"],
    [418, PlanetScaleError, "PLANETSCALE_ERROR"],
  ];
  for (const [status, ErrorClass, code] of cases) {
    test(`${status} → ${ErrorClass.name} (${code})`, async () => {
      server.push({ status, json: { code: "some_code", message: `message for ${status}` } });
      await assert.rejects(client.request({ method: "GET", path: "/organizations/acme" }), (err: unknown) => {
        assert.ok(err instanceof ErrorClass);
        assert.ok(err instanceof PlanetScaleError);
        assert.ok(err instanceof Error);
        assert.equal(err.code, code);
        assert.equal(err.name, ErrorClass.name);
        assert.equal(err.status, status);
        assert.equal(err.apiCode, "some_code");
        assert.equal(err.apiMessage, `message for ${status}`);
        assert.equal(err.method, "GET");
        assert.equal(err.path, "/organizations/acme");
        assert.equal(
          err.message,
          `GET /organizations/acme → ${status} some_code: message for ${status} (after 0 retries)`,
        );
        return true;
      });
    });
  }

  test("does not confuse sibling classes", async () => {
    server.push({ status: 404, json: { code: "not_found", message: "Not Found" } });
    const err = await client.request({ method: "GET", path: "/x" }).catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError);
    assert.ok(!(err instanceof ForbiddenError));
    assert.ok(!(err instanceof ServerError));
    assert.ok(isNotFoundError(err) && isPlanetScaleError(err) && !isOutcomeUnknownError(err));
    assert.ok(!isPlanetScaleError(new Error("plain")));
    assert.ok(!(new Error("plain") instanceof PlanetScaleError));
    assert.ok(
      !({ code: "PLANETSCALE_NOT_FOUND" } instanceof NotFoundError),
      "a look-alike without the brand",
    );
  });

  test("keeps the request id and serialises only safe fields", async () => {
    server.push({
      status: 409,
      headers: { "x-request-id": "req-123" },
      json: { code: "conflict", message: "busy" },
    });
    const err = (await client
      .request({ method: "DELETE", path: "/y" })
      .catch((e: unknown) => e)) as ConflictError;
    assert.equal(err.requestId, "req-123");
    assert.deepEqual(JSON.parse(JSON.stringify(err)), {
      name: "ConflictError",
      code: "PLANETSCALE_CONFLICT",
      message: "DELETE /y → 409 conflict: busy (after 0 retries)",
      method: "DELETE",
      path: "/y",
      status: 409,
      apiCode: "conflict",
      apiMessage: "busy",
      retries: 0,
      requestId: "req-123",
    });
  });
});

describe("instanceof across two copies of the package", () => {
  let copy: typeof errors;
  before(() => {
    // Load errors.ts a second time, as a separate module instance with its own classes: what
    // happens when the Pulumi host and the program each load their own copy of the package.
    const id = require.resolve("../../provider/internal/client/errors");
    const original = require.cache[id];
    delete require.cache[id];
    try {
      copy = require(id) as typeof errors;
    } finally {
      if (original) require.cache[id] = original;
    }
  });

  test("really is another copy", () => {
    assert.notEqual(copy.NotFoundError, errors.NotFoundError);
    const foreign = new copy.NotFoundError("x");
    assert.ok(!Object.prototype.isPrototypeOf.call(errors.NotFoundError.prototype, foreign));
  });

  test("recognises the other copy's errors by brand and code family", () => {
    const foreign = new copy.NotFoundError("GET /x → 404", { method: "GET", path: "/x", status: 404 });
    assert.ok(foreign instanceof errors.NotFoundError);
    assert.ok(foreign instanceof errors.PlanetScaleError);
    assert.ok(!(foreign instanceof errors.ForbiddenError));
    assert.ok(errors.isNotFoundError(foreign));
    const ours = new errors.OutcomeUnknownError("x");
    assert.ok(ours instanceof copy.OutcomeUnknownError);
    assert.ok(ours instanceof copy.PlanetScaleError);
    assert.ok(!(ours instanceof copy.ServerError));
    assert.ok(copy.isPlanetScaleError(ours));
  });
});
