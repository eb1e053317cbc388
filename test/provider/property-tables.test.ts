// The property tables are the one place a resource's properties are declared: these tests hold
// the zod schemas, the public Args interfaces and their TSDoc, the resource classes, the API bodies
// and the README's reference tables to them. Most checks are types: a row that is not wired
// everywhere fails `npm run typecheck`, with the keys it lacks in the error.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import type {
  ApiToken,
  ApiTokenArgs,
  Branch,
  BranchArgs,
  BranchInfo,
  BranchPassword,
  BranchPasswordArgs,
  BranchRole,
  BranchRoleArgs,
  Database,
  DatabaseArgs,
  DeployRequest,
  DeployRequestArgs,
  DeployRequestInfo,
} from "../../provider";
import type { BranchChangeBody } from "../../provider/internal/api/branch-changes";
import type {
  ChangeClusterSizeBody,
  CreateBranchBody,
  UpdateBranchBody,
} from "../../provider/internal/api/branches";
import type { CreateDatabaseBody, UpdateDatabaseSettingsBody } from "../../provider/internal/api/databases";
import type { CreateDeployRequestBody } from "../../provider/internal/api/deploy-requests";
import type { CreatePasswordBody, UpdatePasswordBody } from "../../provider/internal/api/passwords";
import type { CreateRoleBody, UpdateRoleBody } from "../../provider/internal/api/roles";
import type { CreateServiceTokenBody } from "../../provider/internal/api/service-tokens";
import { ApiTokenInputs } from "../../provider/internal/api-token/inputs";
import type { ResolvedApiTokenInputs } from "../../provider/internal/api-token/outputs";
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { BranchInputFields } from "../../provider/internal/branch/inputs";
import type { ResolvedBranchInputs } from "../../provider/internal/branch/outputs";
import { BRANCH_PROPERTIES } from "../../provider/internal/branch/properties";
import { BranchPasswordInputs, BranchRoleInputs } from "../../provider/internal/credential/inputs";
import {
  BRANCH_PASSWORD_PROPERTIES,
  BRANCH_ROLE_PROPERTIES,
} from "../../provider/internal/credential/properties";
import { DatabaseInputFields } from "../../provider/internal/database/inputs";
import type { ResolvedDatabaseInputs } from "../../provider/internal/database/outputs";
import { DATABASE_PROPERTIES } from "../../provider/internal/database/properties";
import { DeployRequestInputFields } from "../../provider/internal/deploy-request/inputs";
import { DEPLOY_REQUEST_PROPERTIES } from "../../provider/internal/deploy-request/properties";
import type { ResolvedDeployRequestInputs } from "../../provider/internal/deploy-request/shared";
import {
  type CallBody,
  type CallsOf,
  type CreateBody,
  declaredOutputs,
  type ExposedKeys,
  type FieldKeys,
  type InputKeys,
  inputKeys,
  type PropertyTable,
  secretKeys,
} from "../../provider/internal/inputs/property-table";
import { ARGS_DOCS, withGeneratedDocs } from "../support/args-docs";
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
  Same<Declared<Database>, ExposedKeys<typeof DATABASE_PROPERTIES>>,
  Same<Declared<DeployRequest>, ExposedKeys<typeof DEPLOY_REQUEST_PROPERTIES>>,
] = [true, true, true, true, true, true];

/**
 * `true` when the two key sets are the same; otherwise the keys only one of them has, which the
 * typechecker then shows in its error ("Type 'true' is not assignable to type '{ …: "restorePoint" }'").
 */
type SameKeys<A extends PropertyKey, B extends PropertyKey> = [Exclude<A, B>, Exclude<B, A>] extends [
  never,
  never,
]
  ? true
  : { "only in the first": Exclude<A, B>; "only in the second": Exclude<B, A> };

// Compile-time: each public Args interface has exactly its table's inputs, both ways.
const argsMatch: [
  SameKeys<keyof BranchArgs, InputKeys<typeof BRANCH_PROPERTIES>>,
  SameKeys<keyof ApiTokenArgs, InputKeys<typeof API_TOKEN_PROPERTIES>>,
  SameKeys<keyof BranchPasswordArgs, InputKeys<typeof BRANCH_PASSWORD_PROPERTIES>>,
  SameKeys<keyof BranchRoleArgs, InputKeys<typeof BRANCH_ROLE_PROPERTIES>>,
  SameKeys<keyof DatabaseArgs, InputKeys<typeof DATABASE_PROPERTIES>>,
  SameKeys<keyof DeployRequestArgs, InputKeys<typeof DEPLOY_REQUEST_PROPERTIES>>,
] = [true, true, true, true, true, true];

// Compile-time: the bodies the tables make are exactly the API's, both ways: no row sends a field
// the API body type lacks (the rows are typed by it), and every field of it is sent by a row.
type PasswordInputs = typeof BranchPasswordInputs._output & { name: string };
type RoleInputs = typeof BranchRoleInputs._output & { name: string };
type BranchCall<C extends string> = keyof CallBody<typeof BRANCH_PROPERTIES, C, ResolvedBranchInputs>;
type DatabaseCall<C extends string> = keyof CallBody<typeof DATABASE_PROPERTIES, C, ResolvedDatabaseInputs>;
type PasswordCall<C extends string> = keyof CallBody<typeof BRANCH_PASSWORD_PROPERTIES, C, PasswordInputs>;
type RoleCall<C extends string> = keyof CallBody<typeof BRANCH_ROLE_PROPERTIES, C, RoleInputs>;
const bodiesMatch: [
  SameKeys<keyof CreateBody<typeof BRANCH_PROPERTIES, ResolvedBranchInputs>, keyof CreateBranchBody>,
  SameKeys<
    keyof CreateBody<typeof API_TOKEN_PROPERTIES, ResolvedApiTokenInputs>,
    keyof CreateServiceTokenBody
  >,
  SameKeys<keyof CreateBody<typeof BRANCH_PASSWORD_PROPERTIES, PasswordInputs>, keyof CreatePasswordBody>,
  SameKeys<keyof CreateBody<typeof BRANCH_ROLE_PROPERTIES, RoleInputs>, keyof CreateRoleBody>,
  SameKeys<BranchCall<"rename"> | BranchCall<"branch PATCH">, keyof UpdateBranchBody>,
  SameKeys<BranchCall<"cluster resize">, keyof ChangeClusterSizeBody>,
  SameKeys<PasswordCall<"update">, keyof UpdatePasswordBody>,
  SameKeys<RoleCall<"update">, keyof UpdateRoleBody>,
  SameKeys<keyof CreateBody<typeof DATABASE_PROPERTIES, ResolvedDatabaseInputs>, keyof CreateDatabaseBody>,
  SameKeys<DatabaseCall<"rename"> | DatabaseCall<"settings PATCH">, keyof UpdateDatabaseSettingsBody>,
  // A database resizes its default branch; a branch's own change requests carry its parameters.
  SameKeys<DatabaseCall<"default branch resize"> | BranchCall<"parameters change">, keyof BranchChangeBody>,
  SameKeys<
    keyof CreateBody<typeof DEPLOY_REQUEST_PROPERTIES, ResolvedDeployRequestInputs>,
    keyof CreateDeployRequestBody
  >,
] = [true, true, true, true, true, true, true, true, true, true, true, true];

// Compile-time: the in-place calls the rows name are exactly the ones each update makes. The branch's
// settle is keyed by its calls (a new one fails there); a token's update makes the access grants, and
// a credential's its one PATCH (`update`): a row naming another call fails here until its update makes
// it. A deploy request's update is keyed by its settings' calls and makes the deploy.
const callsMatch: [
  SameKeys<CallsOf<typeof API_TOKEN_PROPERTIES>, "access grants">,
  SameKeys<CallsOf<typeof BRANCH_PASSWORD_PROPERTIES> | CallsOf<typeof BRANCH_ROLE_PROPERTIES>, "update">,
  SameKeys<CallsOf<typeof DEPLOY_REQUEST_PROPERTIES>, "deploy" | "auto-apply" | "auto-delete-branch">,
] = [true, true, true];

// Compile-time: what getBranch reports is exactly the Branch outputs read from PlanetScale's branch,
// and what getDeployRequest reports the DeployRequest outputs read from its deploy request.
const branchInfoMatch: SameKeys<keyof BranchInfo, FieldKeys<typeof BRANCH_PROPERTIES>> = true;
const deployRequestInfoMatch: SameKeys<
  keyof DeployRequestInfo,
  FieldKeys<typeof DEPLOY_REQUEST_PROPERTIES>
> = true;

const repoRoot = join(__dirname, "..", "..");
const readmePath = join(repoRoot, "README.md");
/** Set to 1 to rewrite the README's tables and the Args TSDoc from the property tables. */
const WRITE = process.env["PULUMI_PLANETSCALE_WRITE_DOCS"] === "1";
const REWRITE =
  "run PULUMI_PLANETSCALE_WRITE_DOCS=1 node --import tsx --test test/provider/property-tables.test.ts";

describe("property tables", () => {
  test("each resource class declares exactly the outputs its table exposes", () => {
    assert.deepEqual(declaredMatch, [true, true, true, true, true, true]);
  });

  test("each Args interface, request body, call list and BranchInfo matches its table (typechecked)", () => {
    assert.deepEqual(
      [argsMatch, bodiesMatch, callsMatch, branchInfoMatch, deployRequestInfoMatch],
      [Array(6).fill(true), Array(12).fill(true), [true, true, true], true, true],
    );
  });

  test("each Args member's TSDoc is its table row's doc, default and on-change text", () => {
    for (const docs of ARGS_DOCS) {
      const path = join(repoRoot, docs.file);
      const text = readFileSync(path, "utf8");
      const generated = withGeneratedDocs(text, docs);
      if (WRITE) writeFileSync(path, generated);
      else
        assert.equal(
          text,
          generated,
          `${docs.file}: ${docs.name}'s TSDoc differs from its property table: ${REWRITE}`,
        );
    }
  });

  test("the inputs both credentials take are the same rows in both tables (BranchCredentialArgs)", () => {
    const shared = inputKeys(BRANCH_ROLE_PROPERTIES).filter((key) => key in BRANCH_PASSWORD_PROPERTIES);
    assert.deepEqual(shared, [
      "organization",
      "database",
      "branch",
      "name",
      "namePrefix",
      "ttl",
      "rotateBefore",
    ]);
    for (const key of shared) {
      assert.equal(BRANCH_ROLE_PROPERTIES[key], (BRANCH_PASSWORD_PROPERTIES as PropertyTable)[key], key);
    }
  });

  test("each zod input schema has exactly the table's inputs", () => {
    const cases = [
      [BranchInputFields, BRANCH_PROPERTIES],
      [ApiTokenInputs, API_TOKEN_PROPERTIES],
      [BranchPasswordInputs, BRANCH_PASSWORD_PROPERTIES],
      [BranchRoleInputs, BRANCH_ROLE_PROPERTIES],
      [DatabaseInputFields, DATABASE_PROPERTIES],
      [DeployRequestInputFields, DEPLOY_REQUEST_PROPERTIES],
    ] as const;
    for (const [schema, table] of cases) {
      assert.deepEqual(Object.keys(schema.shape).sort(), [...inputKeys(table)].sort());
    }
  });

  test("secrets: the token's value and header, the credentials' password and URLs", () => {
    assert.deepEqual(secretKeys(BRANCH_PROPERTIES), []);
    assert.deepEqual(secretKeys(API_TOKEN_PROPERTIES), ["token", "authorizationHeader"]);
    assert.deepEqual(secretKeys(BRANCH_PASSWORD_PROPERTIES), ["password", "databaseUrl"]);
    assert.deepEqual(secretKeys(BRANCH_ROLE_PROPERTIES), ["password", "databaseUrl", "pooledDatabaseUrl"]);
    assert.deepEqual(secretKeys(DATABASE_PROPERTIES), []);
    assert.deepEqual(secretKeys(DEPLOY_REQUEST_PROPERTIES), []);
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
    if (WRITE) writeFileSync(readmePath, generated);
    else
      assert.equal(
        readme,
        generated,
        `README.md's property tables differ from provider/internal/*/properties.ts: ${REWRITE}`,
      );
  });
});
