// Recovery of an interrupted Database create: what it finds is reported, never deleted.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Interrupted } from "../../provider/commands/recover/interrupted";
import { type Ownership, resolveInterrupted } from "../../provider/commands/recover/resolve";
import type { Deployment } from "../../provider/commands/recover/stack";
import { BackendEvidence } from "../../provider/internal/backend/evidence";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { call, makeToken } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";

const DB = "/organizations/acme/databases";

let emu: Emulator;
before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
});
after(async () => emu.stop());

function client() {
  return getClient(
    resolveSettings(undefined, {
      PLANETSCALE_API_URL: emu.apiUrl,
      PLANETSCALE_ORG: emu.organization,
      PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
      PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    }),
  );
}

const item = (name: string, earliest: number): Interrupted => ({
  kind: "database",
  organization: "acme",
  name,
  earliest,
  sources: ["test"],
  journalFiles: [],
});

function own(over: Partial<Ownership> = {}): Ownership {
  return {
    stateIds: new Set(),
    evidence: BackendEvidence.of(new Map()),
    self: "organization/e2e/a",
    claims: [],
    actorId: emu.adminCredential.id,
    ...over,
  };
}

/** Another stack's checkpoint holding the database. */
function holding(id: string, name: string): Deployment {
  return {
    version: 3,
    deployment: {
      resources: [
        {
          urn: "urn:pulumi:b::e2e::pulumi-nodejs:dynamic/planetscale:Database::db",
          type: "pulumi-nodejs:dynamic/planetscale:Database",
          id,
          outputs: { organization: "acme", name },
        },
      ],
    },
  };
}

describe("recovering an interrupted Database create", () => {
  test("nothing made: never created", async () => {
    const resolution = await resolveInterrupted(client(), item("never-made", Date.now() - 1_000), own());
    assert.equal(resolution.outcome, "nothing");
  });

  test("one the interrupted run made is named with both ways on, and not deleted", async () => {
    const start = Date.now() - 2_000;
    const made = (await call(emu, "POST", DB, { body: { name: "half-made" } })).body;
    const resolution = await resolveInterrupted(client(), item("half-made", start), own());
    assert.equal(resolution.outcome, "ambiguous");
    assert.match(resolution.detail, new RegExp(`id ${made.id}.*never deletes a database`));
    assert.match(resolution.detail, /adopt: true.*pscale database delete half-made --org acme/);
    assert.equal((await call(emu, "GET", `${DB}/half-made`)).status, 200);
  });

  test("a colleague's, or one that existed before, is untouched", async () => {
    const colleague = await makeToken(emu, [{ access: ["create_databases"] }]);
    const start = Date.now() - 2_000;
    await call(emu, "POST", DB, { body: { name: "theirs" }, cred: colleague });
    const theirs = await resolveInterrupted(client(), item("theirs", start), own());
    assert.equal(theirs.outcome, "untouched");
    assert.match(theirs.detail, /not by the credential of this stack/);
    const older = await resolveInterrupted(client(), item("theirs", Date.now() + 60_000), own());
    assert.equal(older.outcome, "untouched");
    assert.equal((await call(emu, "GET", `${DB}/theirs`)).status, 200);
  });

  test("one another stack of the backend holds is untouched, even when our credential made it", async () => {
    const start = Date.now() - 2_000;
    const made = (await call(emu, "POST", DB, { body: { name: "held" } })).body;
    const evidence = BackendEvidence.of(new Map([["organization/e2e/b", holding(made.id, "held")]]));
    const resolution = await resolveInterrupted(client(), item("held", start), own({ evidence }));
    assert.equal(resolution.outcome, "untouched");
    assert.match(resolution.detail, new RegExp(`id ${made.id}.*e2e/b`));
    assert.equal((await call(emu, "GET", `${DB}/held`)).status, 200);
  });
});
