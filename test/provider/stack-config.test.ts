// What a program refuses of its stack's configuration before its first resource registers: a
// credential stored in plaintext, and a service token split between the config and the environment.
// The real CLI shows these at `pulumi preview` in test/e2e/messages.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { stackConfigProblems } from "../../provider/internal/dynamic/stack-config";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
const secretKeys =
  (...keys: string[]) =>
  (key: string) =>
    keys.includes(key);

describe("stackConfigProblems", () => {
  test("a service token or access token in plaintext, with the command that encrypts the same value", () => {
    for (const key of ["planetscale:serviceToken", "planetscale:accessToken"]) {
      const values = { "planetscale:serviceTokenId": "id", [key]: "pscale_tkn_plain" };
      const [problem, ...rest] = stackConfigProblems(config(values), secretKeys(), {});
      assert.deepEqual(rest, []);
      assert.match(problem ?? "", new RegExp(`^${key} is stored in plaintext in the stack's config`));
      assert.match(
        problem ?? "",
        new RegExp(`pulumi config set --secret ${key} "\\$\\(pulumi config get ${key}\\)"`),
      );
      assert.ok(!problem?.includes("pscale_tkn_plain"), "never the value");
      assert.deepEqual(stackConfigProblems(config(values), secretKeys(key), {}), [], "stored as a secret");
    }
  });

  test("nothing when the SDK cannot tell secrets apart, or the key is unset", () => {
    const values = { "planetscale:serviceTokenId": "id", "planetscale:serviceToken": "pscale_tkn_plain" };
    assert.deepEqual(stackConfigProblems(config(values), undefined, {}), []);
    assert.deepEqual(stackConfigProblems(config({}), secretKeys(), {}), []);
  });

  test("a service token split between config and environment, unless allowed; a bad allowance is named", () => {
    const split = { "planetscale:serviceTokenId": "id" };
    const env = { PLANETSCALE_SERVICE_TOKEN: "pscale_tkn_env" };
    const [problem] = stackConfigProblems(config(split), secretKeys(), env);
    assert.match(
      problem ?? "",
      /planetscale:serviceTokenId \(stack config\).*PLANETSCALE_SERVICE_TOKEN \(environment\)/,
    );
    const allowed = { ...split, "planetscale:allowMixedCredentials": "true" };
    assert.deepEqual(stackConfigProblems(config(allowed), secretKeys(), env), []);
    const bad = { ...split, "planetscale:allowMixedCredentials": "sure" };
    assert.deepEqual(stackConfigProblems(config(bad), secretKeys(), env), [
      "planetscale:allowMixedCredentials must be true or false.",
    ]);
    // Both halves from the environment, or both from the config: nothing to refuse.
    assert.deepEqual(
      stackConfigProblems(config({}), secretKeys(), { ...env, PLANETSCALE_SERVICE_TOKEN_ID: "id" }),
      [],
    );
  });
});
