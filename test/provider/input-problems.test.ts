// Level 1: `check` reports every problem of a resource's inputs at once, each once, and a key the
// resource does not have gets the closest input's name, as a JavaScript program (no typechecker)
// needs. No API call is made for inputs that fail.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import type { ResourceImplementation } from "../../provider/internal/dynamic/resource-implementation";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, UNKNOWN } from "../support/provider-context";

let emu: Emulator;
before(async () => {
  emu = await emulator();
});
after(async () => emu.stop());

/** The failures of one `check`, as "property: reason", after asserting that nothing was asked. */
async function problems(
  resource: ResourceImplementation,
  inputs: Record<string, unknown>,
): Promise<string[]> {
  emu.clearRequests();
  const result = await resource.check(contextForEmulator(emu), {}, { ...inputs, __provider: "p" });
  assert.deepEqual(emu.requests(), [], "invalid inputs make no call");
  return (result.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
}

describe("misspelt keys get a suggestion", () => {
  const cases: Array<[string, ResourceImplementation, Record<string, unknown>, string]> = [
    [
      "Branch",
      branch,
      { database: "app", parentBrnch: "main" },
      'parentBrnch: Unrecognized key "parentBrnch": did you mean "parentBranch"?',
    ],
    [
      "Branch (case)",
      branch,
      { database: "app", DeletionProtected: true },
      'DeletionProtected: Unrecognized key "DeletionProtected": did you mean "deletionProtected"?',
    ],
    [
      "ApiToken",
      token,
      { scopes: ["read_only"], ttl: "1d", rotatebefore: "1h" },
      'rotatebefore: Unrecognized key "rotatebefore": did you mean "rotateBefore"?',
    ],
    [
      "BranchPassword",
      password,
      { database: "app", branch: "main", rolee: "reader" },
      'rolee: Unrecognized key "rolee": did you mean "role"?',
    ],
    [
      "BranchRole",
      role,
      { database: "pg-app", branch: "main", inheritedRole: ["pg_monitor"] },
      'inheritedRole: Unrecognized key "inheritedRole": did you mean "inheritedRoles"?',
    ],
  ];
  for (const [kind, resource, inputs, expected] of cases) {
    test(kind, async () => {
      assert.deepEqual(await problems(resource, inputs), [expected]);
    });
  }

  test("a key close to no input lists the inputs instead", async () => {
    const [problem] = await problems(branch, { database: "app", colour: "blue" });
    assert.match(
      problem ?? "",
      /^colour: Unrecognized key "colour": not an input of this resource \(its inputs: organization, database, name, /,
    );
  });
});

describe("every problem at once", () => {
  test("Branch: a misspelt key, a bad name, a bad readyTimeout and two properties that exclude each other", async () => {
    const found = await problems(branch, {
      database: "app",
      parentBrnch: "main",
      name: "PR_12",
      readyTimeout: "soon",
      backupId: "b1",
      seedData: "last_successful_backup",
    });
    assert.deepEqual(
      found.map((p) => p.split(":")[0]),
      ["name", "readyTimeout", "parentBrnch", "seedData"],
      found.join("\n"),
    );
  });

  test("ApiToken: each bad scope, a misspelt key, and a rule across the valid inputs", async () => {
    const found = await problems(token, {
      scopes: ["read-only", "adminn"],
      permisions: ["read_branch"],
      ttl: "1d",
      expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
    assert.deepEqual(found, [
      "scopes: scopes: 'read-only' is not a scope (did you mean 'read_only'?). Known scopes: read_only, schema_changes, database_access, admin",
      "scopes: scopes: 'adminn' is not a scope (did you mean 'admin'?). Known scopes: read_only, schema_changes, database_access, admin",
      'permisions: Unrecognized key "permisions": did you mean "permissions"?',
      "ttl: set either ttl (a lifetime) or expiresAt (a point in time), not both",
    ]);
  });

  test("BranchPassword: a bad role, a misspelt key and rotateBefore without ttl, but not a rule about an invalid input", async () => {
    const found = await problems(password, {
      database: "app",
      branch: "main",
      role: "root",
      rotatebefore: "1d",
      rotateBefore: "1d",
    });
    assert.deepEqual(
      found.map((p) => p.split(":")[0]),
      ["role", "rotatebefore", "rotateBefore"],
      found.join("\n"),
    );
    // An invalid ttl is reported once, not again as "rotateBefore needs ttl".
    assert.deepEqual(
      (await problems(role, { database: "pg-app", branch: "main", ttl: "soon", rotateBefore: "1d" })).map(
        (p) => p.split(":")[0],
      ),
      ["ttl"],
    );
  });

  test("a missing organization is reported with the other problems", async () => {
    const ctx = { ...contextForEmulator(emu), defaultOrganization: () => undefined };
    const result = await role.check(ctx, {}, { branch: "main", inheritedRoles: ["root"], __provider: "p" });
    assert.deepEqual(
      (result.failures ?? []).map((f) => f.property),
      ["database", "inheritedRoles", "organization"],
    );
  });

  test("unknown values (preview) are not problems, and rules needing them wait", async () => {
    const inputs = { database: "app", branch: UNKNOWN, ttl: UNKNOWN, rotateBefore: "1d", __provider: "p" };
    const result = await password.check(contextForEmulator(emu), {}, inputs);
    assert.deepEqual(result.failures ?? [], []);
  });
});
