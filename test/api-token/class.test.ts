// The public ApiToken class under Pulumi's mocks: what it registers and when it warns.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { waitFor } from "../support/api";

test("registers planetscale:ApiToken and warns about tokens that never expire or reach every database", async () => {
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
  // Loaded after the mocks are set, as a program loads it.
  const {
    ApiToken,
  }: typeof import("../../provider/resources/api-token") = require("../../provider/resources/api-token");
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  pulumi.log.warn = async (message: string) => {
    warnings.push(message);
  };
  try {
    const forever = new ApiToken("forever", { scopes: ["read_only"] });
    const expiring = new ApiToken("expiring", {
      scopes: ["read_only"],
      databases: ["app"],
      ttl: "30d",
      rotateBefore: "7d",
    });
    const orgOnly = new ApiToken("org-only", { permissions: ["read_organization"], ttl: "1d" });
    await new Promise<void>((resolve) =>
      pulumi.all([forever.tokenId, expiring.tokenId, orgOnly.tokenId]).apply(() => resolve()),
    );
    // The warnings come from `apply` callbacks that run once the inputs resolve: wait for them.
    await waitFor("the two warnings", () => warnings.length >= 2);
  } finally {
    pulumi.log.warn = original;
  }
  assert.deepEqual(registered.map((r) => `${r.type} ${r.name}`).sort(), [
    "pulumi-nodejs:dynamic/planetscale:ApiToken expiring",
    "pulumi-nodejs:dynamic/planetscale:ApiToken forever",
    "pulumi-nodejs:dynamic/planetscale:ApiToken org-only",
  ]);
  assert.equal(registered.find((r) => r.name === "forever")?.inputs["namePrefix"], "forever");
  // Both warnings are about "forever"; "expiring" is restricted and expires; "org-only" has no database access.
  assert.equal(warnings.length, 2, warnings.join("\n"));
  assert.ok(warnings.some((w) => /never expires: set `ttl`/.test(w)));
  assert.ok(
    warnings.some((w) =>
      /database accesses \(read_backups, .*read_branch.*\) are granted at organization level/.test(w),
    ),
  );
});
