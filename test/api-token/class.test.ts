// The public ApiToken class under Pulumi's mocks: what it registers and when it warns.
import { strict as assert } from "node:assert";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";

test("registers planetscale:ApiToken and warns only about tokens that never expire", async () => {
  const registered: pulumi.runtime.MockResourceArgs[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        return { id: `${args.name}-id`, state: { ...args.inputs, tokenId: `${args.name}-id` } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
  const { ApiToken } = await import("../../provider/api-token");
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = async (message: string) => {
    warnings.push(message);
  };
  try {
    const forever = new ApiToken("forever", { scopes: ["read_only"] });
    const expiring = new ApiToken("expiring", { scopes: ["read_only"], ttl: "30d", rotateBefore: "7d" });
    await new Promise<void>((resolve) =>
      pulumi.all([forever.tokenId, expiring.tokenId]).apply(() => resolve()),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    pulumi.log.warn = original;
  }
  assert.deepEqual(
    registered.map((r) => [r.type, r.name]),
    [
      ["pulumi-nodejs:dynamic/planetscale:ApiToken", "forever"],
      ["pulumi-nodejs:dynamic/planetscale:ApiToken", "expiring"],
    ],
  );
  assert.equal(registered[0]?.inputs["namePrefix"], "forever");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", /never expires: set `ttl`/);
});
