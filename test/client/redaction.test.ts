import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as util from "node:util";
import { confirmGone } from "../../provider/internal/api/gone";
import { createServiceToken } from "../../provider/internal/api/service-tokens";
import {
  type Credential,
  closeAllClients,
  type NotFoundError,
  PlanetScaleClient,
  PlanetScaleError,
  REDACTED,
  redactText,
  resolveSettings,
} from "../../provider/internal/client/index";
import { ScriptedServer, unusedPort } from "../support/scripted-server";

const SERVICE_TOKEN = "pscale_tkn_Sup3rS3cretValue42";
const ACCESS_TOKEN = "opaque-access-t0ken-value";
const NEW_TOKEN = "pscale_tkn_FreshlyMintedSecret";

/** A token value without its `pscale_<kind>_` prefix (unchanged when it has none). */
function randomPart(token: string): string {
  return token.replace(/^pscale_[a-z]+_/, "");
}

let server: ScriptedServer;
before(async () => {
  server = await ScriptedServer.start();
});
after(async () => {
  await server.close();
  await closeAllClients();
});

/** Every way an error can be shown to a user or a log. */
function renderings(err: unknown): Record<string, string> {
  const e = err as Error;
  return {
    message: e.message,
    stack: String(e.stack),
    json: JSON.stringify(e),
    inspect: util.inspect(e, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    string: String(e),
    cause: util.inspect((e as { cause?: unknown }).cause, {
      depth: Number.POSITIVE_INFINITY,
      showHidden: true,
    }),
  };
}

function assertNoSecret(what: string, value: unknown, secrets: string[]): void {
  for (const [how, text] of Object.entries(renderings(value))) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${what}: the ${how} rendering contains a secret`);
    }
  }
}

for (const credential of [
  { kind: "serviceToken", id: "tokenid123", token: SERVICE_TOKEN },
  { kind: "accessToken", token: ACCESS_TOKEN },
] satisfies Credential[]) {
  describe(`redaction with a ${credential.kind}`, () => {
    // The random part of a `pscale_tkn_…` value is the secret too: a server may echo it alone.
    const secrets = [credential.token, NEW_TOKEN, ...[credential.token, NEW_TOKEN].map(randomPart)];
    const header =
      credential.kind === "serviceToken"
        ? `${credential.id}:${credential.token}`
        : `Bearer ${credential.token}`;
    const logs: string[] = [];
    const make = (url: string, timeoutMs = 5_000) =>
      new PlanetScaleClient(
        { apiUrl: url, credential, timeoutMs, maxRetries: 1, requestsPerMinute: 0 },
        { sleep: async () => {}, log: (line) => logs.push(line) },
      );

    test("sends the credential in the Authorization header, and nowhere else", async () => {
      server.push({ json: {} });
      await make(server.url).request({ method: "GET", path: "/organizations/acme" });
      const req = server.requests.at(-1);
      assert.equal(req?.headers.authorization, header);
      assert.ok(!req?.url.includes(credential.token));
    });

    const failures: Array<[string, () => Promise<unknown>]> = [
      [
        "a 401 whose body echoes the Authorization header",
        async () => {
          server.push({
            status: 401,
            json: { code: "unauthorized", message: `bad credential: authorization: ${header}` },
          });
          return make(server.url).request({ method: "GET", path: "/organizations/acme" });
        },
      ],
      [
        "a 500 HTML page containing the token (retried, then failed)",
        async () => {
          const page = {
            status: 500,
            headers: { "content-type": "text/html" },
            body: `<pre>${header}</pre>`,
          };
          server.push(page, page);
          return make(server.url).request({ method: "GET", path: "/x" });
        },
      ],
      [
        "an `errors` array and a foreign token-shaped string",
        async () => {
          server.push({ status: 422, json: { errors: [credential.token, "pscale_tkn_someoneElsesToken"] } });
          return make(server.url).request({ method: "POST", path: "/x", body: { token: credential.token } });
        },
      ],
      [
        "a POST whose connection is reset (OutcomeUnknownError with a cause)",
        async () => {
          server.push({ action: "resetAfterBody" });
          return make(server.url).request({ method: "POST", path: "/x", body: { secret: credential.token } });
        },
      ],
      [
        "a refused connection",
        async () => make(`http://127.0.0.1:${await unusedPort()}/v1`).request({ method: "GET", path: "/x" }),
      ],
      [
        "a timeout",
        async () => {
          // Its own server: under load the client can give up before the request is read, and the
          // unused "hang" must not be left in the shared script for the next case to consume.
          const own = await ScriptedServer.start();
          own.push({ action: "hang" });
          try {
            return await make(own.url, 80).request({ method: "PATCH", path: "/x", body: {} });
          } finally {
            await own.close();
          }
        },
      ],
      [
        "a create-token answer of the wrong shape (the new token must not leak either)",
        async () => {
          server.push({
            json: { id: 42, token: NEW_TOKEN, name: null, created_at: "now", expires_at: null },
          });
          return createServiceToken(make(server.url), "acme", { name: "ci" });
        },
      ],
      [
        "a server-chosen request id that echoes the credential",
        async () => {
          server.push({
            status: 400,
            headers: { "x-request-id": `req-${header}` },
            json: { code: "bad_request", message: "no" },
          });
          return make(server.url).request({ method: "GET", path: "/organizations/acme" });
        },
      ],
      [
        "the random part of the token, echoed without its pscale_tkn_ prefix (body and request id)",
        async () => {
          const bare = credential.token.replace(/^pscale_tkn_/, "");
          server.push({
            status: 403,
            headers: { "x-request-id": bare },
            json: { code: "forbidden", message: `token ${bare} lacks access` },
          });
          return make(server.url).request({ method: "GET", path: "/organizations/acme" });
        },
      ],
      [
        "a 404 that confirmGone cannot confirm",
        async () => {
          server.push(
            { status: 404, json: { code: "not_found", message: "Not Found" } },
            { status: 401, json: { code: "unauthorized", message: `token ${credential.token} revoked` } },
          );
          const client = make(server.url);
          const notFound = await client.request({ method: "GET", path: "/a" }).catch((e: unknown) => e);
          return confirmGone(client, "acme", notFound as NotFoundError);
        },
      ],
    ];

    for (const [what, provoke] of failures) {
      test(`keeps secrets out of errors: ${what}`, async () => {
        const err = await provoke().then(
          () => assert.fail("expected a failure"),
          (e: unknown) => e,
        );
        assert.ok(err instanceof PlanetScaleError, String(err));
        assertNoSecret(what, err, secrets);
      });
    }

    test("keeps secrets out of log lines and client renderings", async () => {
      server.push(
        { status: 429 },
        { json: { id: "t1", token: NEW_TOKEN, name: "ci", created_at: "now", expires_at: null } },
      );
      const client = make(server.url);
      const created = await createServiceToken(client, "acme", { name: "ci" });
      assert.equal(created.token, NEW_TOKEN, "the caller does get the new token");
      assert.ok(logs.length > 0);
      for (const line of logs)
        for (const s of secrets) assert.ok(!line.includes(s), `log line leaks: ${line}`);
      for (const text of [
        util.inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
        String(client),
      ]) {
        for (const s of secrets) assert.ok(!text.includes(s), `client rendering leaks: ${text}`);
      }
      assert.match(util.inspect(client), /\[REDACTED\]/);
    });
  });
}

describe("redactText and settings errors", () => {
  test("removes known secrets, token shapes and Authorization values", () => {
    assert.equal(redactText("x pscale_tkn_abc_DEF-1 y"), `x ${REDACTED} y`);
    assert.equal(redactText("Authorization: id1:secretvalue"), `Authorization: ${REDACTED}`);
    assert.equal(redactText('{"authorization":"Bearer abc.def"}'), `{"authorization":"${REDACTED}"}`);
    assert.equal(redactText("use Bearer abc.def-ghi now"), `use ${REDACTED} now`);
    assert.equal(
      redactText("the value hunter2hunter2 leaked", ["hunter2hunter2"]),
      `the value ${REDACTED} leaked`,
    );
    // The random part of a known token without its prefix, alone or inside an `id:token` secret.
    assert.equal(redactText("echo Sup3rS3cretValue42!", [SERVICE_TOKEN]), `echo ${REDACTED}!`);
    assert.equal(redactText("echo Sup3rS3cretValue42", [`sid:${SERVICE_TOKEN}`]), `echo ${REDACTED}`);
    assert.equal(redactText(`whole ${SERVICE_TOKEN}`, [SERVICE_TOKEN]), `whole ${REDACTED}`);
  });

  test("prints and serialises resolved settings without the secret", () => {
    const settings = resolveSettings(
      { get: (k) => ({ "planetscale:serviceTokenId": "sid", "planetscale:serviceToken": SERVICE_TOKEN })[k] },
      {},
    );
    assert.equal(settings.credential.token, SERVICE_TOKEN, "the value itself is intact");
    assert.deepEqual({ ...settings.credential }, { kind: "serviceToken", id: "sid", token: SERVICE_TOKEN });
    for (const text of [
      util.inspect(settings, { depth: 5 }),
      JSON.stringify(settings),
      `${util.format("%o", settings)}`,
    ]) {
      assert.ok(!text.includes(SERVICE_TOKEN), text);
    }
  });

  test("never echoes a configured token in a settings error", () => {
    const err = (() => {
      try {
        resolveSettings({ get: (k) => ({ "planetscale:serviceToken": SERVICE_TOKEN })[k] }, {});
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof PlanetScaleError);
    assertNoSecret("settings", err, [SERVICE_TOKEN]);
  });
});
