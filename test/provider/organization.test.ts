// The default organization is read in one place: the provider's `check`, a program's getBranch and
// the client settings all see the same value, trimmed, config before environment.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultOrganization, resolveSettings } from "../../provider/internal/client/settings";
import { contextFor } from "../../provider/internal/dynamic/resource-implementation";
import { fillOrganization, NO_ORGANIZATION } from "../../provider/internal/inputs/organization";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("default organization", () => {
  test("config wins over PLANETSCALE_ORG; both are trimmed; blank counts as unset", () => {
    const env = { PLANETSCALE_ORG: " from-env " };
    assert.equal(defaultOrganization(config({ "planetscale:organization": " acme " }), env), "acme");
    assert.equal(defaultOrganization(config({ "planetscale:organization": "  " }), env), "from-env");
    assert.equal(defaultOrganization(undefined, { PLANETSCALE_ORG: "" }), undefined);
  });

  test("check fills the same value the client settings resolve", () => {
    const source = config({ "planetscale:organization": " acme ", "planetscale:accessToken": "pscale_x" });
    const inputs: Record<string, unknown> = { database: "app" };
    assert.deepEqual(fillOrganization(contextFor(source), inputs), []);
    assert.equal(inputs["organization"], "acme");
    assert.equal(resolveSettings(source, {}).organization, "acme");
  });

  test("without one, check names the property and the fix", () => {
    const saved = process.env["PLANETSCALE_ORG"];
    delete process.env["PLANETSCALE_ORG"];
    try {
      assert.deepEqual(fillOrganization(contextFor(config({})), {}), [
        { property: "organization", reason: NO_ORGANIZATION },
      ]);
    } finally {
      if (saved !== undefined) process.env["PLANETSCALE_ORG"] = saved;
    }
  });
});
