import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  InvalidSettingsError,
  isLoopbackHost,
  MissingCredentialsError,
  resolveSettings,
} from "../../provider/internal/client/index";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveSettings", () => {
  test("uses the defaults around a service token from config", () => {
    const s = resolveSettings(
      config({ "planetscale:serviceTokenId": "abc123", "planetscale:serviceToken": "pscale_tkn_secret" }),
      {},
    );
    assert.deepEqual(s, {
      apiUrl: "https://api.planetscale.com/v1",
      credential: { kind: "serviceToken", id: "abc123", token: "pscale_tkn_secret" },
      timeoutMs: 30_000,
      // No count of retries: transient failures are retried for a minute.
      retryTimeoutMs: 60_000,
      requestsPerMinute: 0,
      lateCreateWaitMs: 10_000,
    });
  });

  test("prefers config over env for every key", () => {
    const s = resolveSettings(
      config({
        "planetscale:serviceTokenId": "cfg-id",
        "planetscale:serviceToken": "cfg-token",
        "planetscale:organization": "cfg-org",
        "planetscale:apiUrl": "https://cfg.example.com/v1/",
      }),
      {
        PLANETSCALE_SERVICE_TOKEN_ID: "env-id",
        PLANETSCALE_SERVICE_TOKEN: "env-token",
        PLANETSCALE_ORG: "env-org",
        PLANETSCALE_API_URL: "https://env.example.com/v1",
      },
    );
    assert.deepEqual(s.credential, { kind: "serviceToken", id: "cfg-id", token: "cfg-token" });
    assert.equal(s.organization, "cfg-org");
    assert.equal(s.apiUrl, "https://cfg.example.com/v1");
  });

  test("falls back to env, including PLANETSCALE_SERVER_URL (the Terraform provider's name)", () => {
    const s = resolveSettings(undefined, {
      PLANETSCALE_SERVICE_TOKEN_ID: "env-id",
      PLANETSCALE_SERVICE_TOKEN: "env-token",
      PLANETSCALE_ORG: "env-org",
      PLANETSCALE_SERVER_URL: "https://tf.example.com/v1",
    });
    assert.equal(s.apiUrl, "https://tf.example.com/v1");
    assert.equal(s.organization, "env-org");
    assert.equal(s.credential.kind, "serviceToken");
    const both = resolveSettings(undefined, {
      PLANETSCALE_ACCESS_TOKEN: "tok",
      PLANETSCALE_API_URL: "https://api.example.com/v1",
      PLANETSCALE_SERVER_URL: "https://tf.example.com/v1",
    });
    assert.equal(
      both.apiUrl,
      "https://api.example.com/v1",
      "PLANETSCALE_API_URL wins over PLANETSCALE_SERVER_URL",
    );
  });

  test("accepts an access token, and an access token in config beats a service token in env", () => {
    const s = resolveSettings(config({ "planetscale:accessToken": "pscale_oauth_x" }), {
      PLANETSCALE_SERVICE_TOKEN_ID: "env-id",
      PLANETSCALE_SERVICE_TOKEN: "env-token",
    });
    assert.deepEqual(s.credential, { kind: "accessToken", token: "pscale_oauth_x" });
    const fromEnv = resolveSettings(undefined, { PLANETSCALE_ACCESS_TOKEN: "env-access" });
    assert.deepEqual(fromEnv.credential, { kind: "accessToken", token: "env-access" });
  });

  test("refuses a service token split between config and env, naming both, unless allowed", () => {
    const split: Array<[Record<string, string>, NodeJS.ProcessEnv, RegExp, RegExp]> = [
      [
        { "planetscale:serviceTokenId": "cfg-id" },
        { PLANETSCALE_SERVICE_TOKEN: "env-token" },
        /id comes from planetscale:serviceTokenId \(stack config\) and its secret from PLANETSCALE_SERVICE_TOKEN \(environment\)/,
        /pulumi config set --secret planetscale:serviceToken <token> +# both from the stack config\n +pulumi config rm planetscale:serviceTokenId +#/,
      ],
      [
        { "planetscale:serviceToken": "cfg-token" },
        { PLANETSCALE_SERVICE_TOKEN_ID: "env-id" },
        /id comes from PLANETSCALE_SERVICE_TOKEN_ID \(environment\) and its secret from planetscale:serviceToken \(stack config\)/,
        /pulumi config set planetscale:serviceTokenId <id> +# both from the stack config\n +pulumi config rm planetscale:serviceToken +#/,
      ],
    ];
    for (const [values, env, names, fixes] of split) {
      assert.throws(
        () => resolveSettings(config(values), env),
        (err: unknown) => {
          assert.ok(err instanceof InvalidSettingsError);
          assert.match(err.message, names);
          assert.match(err.message, fixes);
          assert.match(err.message, /pulumi config set planetscale:allowMixedCredentials true/);
          assert.ok(!err.message.includes("cfg-token") && !err.message.includes("env-token"));
          return true;
        },
      );
      const allowed = resolveSettings(
        config({ ...values, "planetscale:allowMixedCredentials": "true" }),
        env,
      );
      assert.equal(allowed.credential.kind, "serviceToken");
    }
    const s = resolveSettings(
      config({ "planetscale:serviceTokenId": "cfg-id", "planetscale:allowMixedCredentials": "true" }),
      { PLANETSCALE_SERVICE_TOKEN: "env-token" },
    );
    assert.deepEqual(s.credential, { kind: "serviceToken", id: "cfg-id", token: "env-token" });
    assert.throws(
      () =>
        resolveSettings(
          config({ "planetscale:serviceTokenId": "cfg-id", "planetscale:allowMixedCredentials": "yes" }),
          {
            PLANETSCALE_SERVICE_TOKEN: "env-token",
          },
        ),
      /planetscale:allowMixedCredentials must be true or false/,
    );
  });

  test("prints the commands to run when no credential is configured", () => {
    assert.throws(
      () => resolveSettings(config({}), {}),
      (err: unknown) => {
        assert.ok(err instanceof MissingCredentialsError);
        assert.equal(err.code, "PLANETSCALE_MISSING_CREDENTIALS");
        assert.match(err.message, /pulumi config set planetscale:serviceTokenId <id>/);
        assert.match(err.message, /pulumi config set --secret planetscale:serviceToken <token>/);
        assert.match(err.message, /PLANETSCALE_SERVICE_TOKEN_ID/);
        assert.match(err.message, /PLANETSCALE_SERVICE_TOKEN\b/);
        return true;
      },
    );
  });

  test("names the missing half of a service token", () => {
    assert.throws(
      () => resolveSettings(config({ "planetscale:serviceTokenId": "id-only" }), {}),
      (err: unknown) =>
        err instanceof MissingCredentialsError &&
        /planetscale:serviceTokenId is set/.test(err.message) &&
        /pulumi config set --secret planetscale:serviceToken <token>/.test(err.message),
    );
    assert.throws(
      () => resolveSettings(config({ "planetscale:serviceToken": "secret-only" }), {}),
      (err: unknown) =>
        err instanceof MissingCredentialsError &&
        /pulumi config set planetscale:serviceTokenId <id>/.test(err.message) &&
        !err.message.includes("secret-only"),
    );
    assert.throws(
      () => resolveSettings(undefined, { PLANETSCALE_SERVICE_TOKEN: "x-secret" }),
      (err: unknown) =>
        err instanceof MissingCredentialsError && /PLANETSCALE_SERVICE_TOKEN_ID/.test(err.message),
    );
  });

  test("allows http only for loopback hosts", () => {
    const creds = { "planetscale:accessToken": "tok" };
    for (const url of [
      "http://127.0.0.1:8080/v1",
      "http://127.1.2.3/v1",
      "http://localhost:9/v1",
      "http://[::1]:9/v1",
    ]) {
      assert.equal(resolveSettings(config({ ...creds, "planetscale:apiUrl": url }), {}).apiUrl, url);
    }
    for (const url of ["http://api.planetscale.com/v1", "http://10.0.0.1/v1", "ftp://x/v1", "not a url"]) {
      assert.throws(
        () => resolveSettings(config({ ...creds, "planetscale:apiUrl": url }), {}),
        (err: unknown) =>
          err instanceof InvalidSettingsError &&
          err.message.includes("planetscale:apiUrl") &&
          err.message.includes("https"),
        url,
      );
    }
    assert.throws(
      () =>
        resolveSettings(config({ ...creds, "planetscale:apiUrl": "https://user:pw@api.example.com" }), {}),
      InvalidSettingsError,
    );
    assert.ok(isLoopbackHost("127.0.0.1") && isLoopbackHost("[::1]") && !isLoopbackHost("128.0.0.1"));
  });

  test("reads the numeric settings and rejects nonsense", () => {
    const s = resolveSettings(
      config({
        "planetscale:accessToken": "tok",
        "planetscale:timeoutMs": "1500",
        "planetscale:maxRetries": "0",
        "planetscale:retryTimeoutMs": "5000",
        "planetscale:requestsPerMinute": "60",
      }),
      {},
    );
    assert.deepEqual([s.timeoutMs, s.maxRetries, s.retryTimeoutMs, s.requestsPerMinute], [1500, 0, 5000, 60]);
    assert.throws(
      () =>
        resolveSettings(config({ "planetscale:accessToken": "tok", "planetscale:retryTimeoutMs": "1m" }), {}),
      (err: unknown) =>
        err instanceof InvalidSettingsError &&
        err.message ===
          'planetscale:retryTimeoutMs must be a whole number from 0 to 3600000 (milliseconds); got "1m".',
    );
    assert.throws(
      () =>
        resolveSettings(config({ "planetscale:accessToken": "tok", "planetscale:timeoutMs": "soon" }), {}),
      (err: unknown) => err instanceof InvalidSettingsError && /planetscale:timeoutMs/.test(err.message),
    );
    assert.throws(
      () => resolveSettings(config({ "planetscale:accessToken": "tok", "planetscale:maxRetries": "-1" }), {}),
      InvalidSettingsError,
    );
  });

  test("rejects tokens with embedded newlines without echoing them", () => {
    assert.throws(
      () => resolveSettings(config({ "planetscale:accessToken": "abc\ndef-secret" }), {}),
      (err: unknown) => err instanceof InvalidSettingsError && !err.message.includes("def-secret"),
    );
  });

  test("ignores empty values and trims whitespace", () => {
    const s = resolveSettings(
      config({ "planetscale:accessToken": " tok \n", "planetscale:organization": "" }),
      {
        PLANETSCALE_ORG: "env-org",
      },
    );
    assert.deepEqual(s.credential, { kind: "accessToken", token: "tok" });
    assert.equal(s.organization, "env-org");
  });
});
