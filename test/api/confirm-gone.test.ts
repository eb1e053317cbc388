import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { confirmGone } from "../../provider/internal/api/gone";
import {
  isPermissionDeniedError,
  NotFoundError,
  PermissionDeniedError,
  type PlanetScaleClient,
  ServerError,
  UnauthorizedError,
} from "../../provider/internal/client/index";
import { type ScriptedServer, startScriptedClient, stopScriptedClients } from "../support/scripted-server";

let server: ScriptedServer;
let client: PlanetScaleClient;
before(async () => {
  ({ server, client } = await startScriptedClient({
    credential: { kind: "serviceToken", id: "gone-id", token: "gone-token" },
    maxRetries: 0,
  }));
});
after(stopScriptedClients);

const BRANCH = "/organizations/acme/databases/app/branches/pr-7";

async function notFound(): Promise<NotFoundError> {
  server.push({ status: 404, json: { code: "not_found", message: "Not Found" } });
  const err = await client.request({ method: "GET", path: BRANCH }).catch((e: unknown) => e);
  assert.ok(err instanceof NotFoundError);
  return err;
}

describe("confirmGone", () => {
  test("resolves when the credential can still read the organization", async () => {
    const nf = await notFound();
    server.push({ json: { id: "org1", name: "acme" } });
    await confirmGone(client, "acme", nf);
    const check = server.requests.at(-1);
    assert.equal(check?.method, "GET");
    assert.equal(check?.path, "/v1/organizations/acme");
  });

  for (const status of [401, 403, 404]) {
    test(`throws PermissionDeniedError when the organization answers ${status}`, async () => {
      const nf = await notFound();
      server.push({ status, json: { code: "denied", message: "nope" } });
      await assert.rejects(confirmGone(client, "acme", nf), (err: unknown) => {
        assert.ok(err instanceof PermissionDeniedError);
        assert.ok(isPermissionDeniedError(err));
        assert.ok(!(err instanceof NotFoundError), "must not be mistaken for a plain 404");
        assert.equal(err.code, "PLANETSCALE_PERMISSION_DENIED");
        assert.equal(err.organization, "acme");
        assert.equal(err.path, BRANCH);
        assert.equal(err.status, 404);
        assert.match(err.message, new RegExp(`^GET ${BRANCH} → 404`));
        assert.match(err.message, /cannot read organization "acme"/);
        assert.match(err.message, new RegExp(`GET /organizations/acme → ${status}`));
        assert.match(err.message, /access/);
        if (status === 401) assert.ok(err.cause instanceof UnauthorizedError);
        return true;
      });
    });
  }

  test("passes on other failures of the check", async () => {
    const nf = await notFound();
    server.push({ status: 500 });
    await assert.rejects(confirmGone(client, "acme", nf), ServerError);
  });

  test("encodes the organization in the path", async () => {
    const nf = await notFound();
    server.push({ json: { name: "a/b" } });
    await confirmGone(client, "a/b", nf);
    assert.equal(server.requests.at(-1)?.path, "/v1/organizations/a%2Fb");
  });
});
