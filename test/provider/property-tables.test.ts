// The property tables are the one place a resource's properties are declared: these tests hold
// the zod schemas, the resource classes and the README's reference tables to them.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import type { ApiToken, Branch, BranchPassword, BranchRole } from "../../provider";
import { ApiTokenInputs } from "../../provider/internal/api-token/inputs";
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { BranchInputFields } from "../../provider/internal/branch/inputs";
import { BRANCH_PROPERTIES } from "../../provider/internal/branch/properties";
import { BranchPasswordInputs, BranchRoleInputs } from "../../provider/internal/credential/inputs";
import {
  BRANCH_PASSWORD_PROPERTIES,
  BRANCH_ROLE_PROPERTIES,
} from "../../provider/internal/credential/properties";
import {
  declaredOutputs,
  type ExposedKeys,
  inputKeys,
  secretKeys,
} from "../../provider/internal/inputs/property-table";
import { withGeneratedSections } from "../support/readme-tables";

/** The outputs a resource class declares (`declare readonly x: pulumi.Output<…>`). */
type Declared<C> = Exclude<
  { [K in keyof C]: C[K] extends pulumi.Output<unknown> ? K : never }[keyof C],
  "urn" | "id"
>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// Compile-time: a class that declares an output the table lacks (or misses one) fails typecheck.
const declaredMatch: [
  Same<Declared<Branch>, ExposedKeys<typeof BRANCH_PROPERTIES>>,
  Same<Declared<ApiToken>, ExposedKeys<typeof API_TOKEN_PROPERTIES>>,
  Same<Declared<BranchPassword>, ExposedKeys<typeof BRANCH_PASSWORD_PROPERTIES>>,
  Same<Declared<BranchRole>, ExposedKeys<typeof BRANCH_ROLE_PROPERTIES>>,
] = [true, true, true, true];

const readmePath = join(__dirname, "..", "..", "README.md");

describe("property tables", () => {
  test("each resource class declares exactly the outputs its table exposes", () => {
    assert.deepEqual(declaredMatch, [true, true, true, true]);
  });

  test("each zod input schema has exactly the table's inputs", () => {
    const cases = [
      [BranchInputFields, BRANCH_PROPERTIES],
      [ApiTokenInputs, API_TOKEN_PROPERTIES],
      [BranchPasswordInputs, BRANCH_PASSWORD_PROPERTIES],
      [BranchRoleInputs, BRANCH_ROLE_PROPERTIES],
    ] as const;
    for (const [schema, table] of cases) {
      assert.deepEqual(Object.keys(schema.shape).sort(), [...inputKeys(table)].sort());
    }
  });

  test("secrets: the token's value and header, the credentials' password and URL", () => {
    assert.deepEqual(secretKeys(BRANCH_PROPERTIES), []);
    assert.deepEqual(secretKeys(API_TOKEN_PROPERTIES), ["token", "authorizationHeader"]);
    assert.deepEqual(secretKeys(BRANCH_PASSWORD_PROPERTIES), ["password", "databaseUrl"]);
    assert.deepEqual(secretKeys(BRANCH_ROLE_PROPERTIES), ["password", "databaseUrl"]);
  });

  test("a resource is constructed with every exposed output the program left out", () => {
    const placeholders = declaredOutputs(BRANCH_PROPERTIES, { database: "app", region: "us-east" });
    assert.ok("branchId" in placeholders && "parentBranch" in placeholders && "backupId" in placeholders);
    assert.ok(!("database" in placeholders) && !("region" in placeholders));
    // Kept in the state for diff only, not declared on the class.
    assert.ok(!("readyTimeout" in placeholders) && !("namePrefix" in placeholders));
  });

  test("the README's reference tables are the ones the property tables make", () => {
    const readme = readFileSync(readmePath, "utf8");
    const generated = withGeneratedSections(readme);
    if (process.env["PULUMI_PLANETSCALE_WRITE_README"] === "1") writeFileSync(readmePath, generated);
    else
      assert.equal(
        readme,
        generated,
        "README.md's property tables differ from provider/internal/*/properties.ts: run " +
          "PULUMI_PLANETSCALE_WRITE_README=1 node --import tsx --test test/provider/property-tables.test.ts",
      );
  });
});
