// Level 5, opt-in: the provider against real PlanetScale (like Terraform's TF_ACC). Run with
//   PLANETSCALE_ACCEPTANCE=1 PLANETSCALE_SERVICE_TOKEN_ID=… PLANETSCALE_SERVICE_TOKEN=… \
//   PLANETSCALE_ORG=<org> PLANETSCALE_TEST_DATABASE=<database> npm run test:acceptance
// It creates a branch and a token named pulumi-planetscale-acc-<random>, and deletes them again.
// The service token needs create_branch, read_branch, delete_branch and write_database on the
// database, and read/write/delete_service_tokens on the organization. `npm test` runs this file
// against the emulator (test/provider/acceptance-suite.test.ts) so that it keeps working.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, describe, test } from "node:test";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import { closeAllClients } from "../../provider/internal/client/registry";
import { contextFor } from "../../provider/internal/dynamic/resource-implementation";

const enabled = process.env["PLANETSCALE_ACCEPTANCE"] === "1";
const database = process.env["PLANETSCALE_TEST_DATABASE"] ?? "";
const skip = !enabled
  ? "set PLANETSCALE_ACCEPTANCE=1 (and credentials, PLANETSCALE_ORG, PLANETSCALE_TEST_DATABASE) to run against PlanetScale"
  : !database
    ? "PLANETSCALE_TEST_DATABASE is not set"
    : false;

type Props = Record<string, unknown>;
const ctx = contextFor(undefined); // settings from PLANETSCALE_* environment variables
const suffix = randomBytes(4).toString("hex");
const cleanup: Array<() => Promise<void>> = [];

after(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  await closeAllClients();
});

describe("against PlanetScale", { skip }, () => {
  test("a branch: create, read, rename in place, delete", async () => {
    const checked = (
      await branch.check(ctx, {}, { database, name: `pulumi-planetscale-acc-${suffix}`, readyTimeout: "15m" })
    ).inputs as Props;
    const created = await branch.create(ctx, checked);
    const outs = created.outs as Props;
    cleanup.push(() => branch.delete(ctx, created.id, outs));
    assert.equal(outs["ready"], true);

    const read = await branch.read(ctx, created.id, outs);
    assert.equal(read.id, created.id);
    assert.equal((await branch.diff(ctx, created.id, read.props as Props, checked)).changes, false);

    const renamed = (
      await branch.update(ctx, created.id, outs, { ...checked, name: `pulumi-planetscale-acc-${suffix}-b` })
    ).outs as Props;
    assert.equal(renamed["branchId"], created.id);
    assert.equal(renamed["name"], `pulumi-planetscale-acc-${suffix}-b`);

    await branch.delete(ctx, created.id, renamed);
    assert.deepEqual(await branch.read(ctx, created.id, renamed), {});
  });

  test("a token: read-only on the database, expiring; create, read, delete", async () => {
    const checked = (
      await token.check(
        ctx,
        {},
        { name: `pulumi-planetscale-acc-${suffix}`, scopes: ["read_only"], databases: [database], ttl: "1h" },
      )
    ).inputs as Props;
    const created = await token.create(ctx, checked);
    const outs = created.outs as Props;
    cleanup.push(() => token.delete(ctx, created.id, outs));
    assert.match(String(outs["token"]), /\S{16,}/);
    assert.ok(outs["expiresAt"]);

    const read = await token.read(ctx, created.id, outs);
    assert.equal(read.id, created.id);
    assert.deepEqual((read.props as Props)["grants"], outs["grants"]);

    await token.delete(ctx, created.id, outs);
    assert.deepEqual(await token.read(ctx, created.id, outs), {});
  });
});
