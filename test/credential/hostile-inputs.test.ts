// Level 1: the 41 hostile inputs of issue 23, each given to `check` as `pulumi preview` does. The
// 38 that need no API to judge are refused with the property named and no request at all; the 3
// only PlanetScale can judge (a missing database, a missing branch, a branch of another database)
// are refused by the documented preflight, which only reads (GET). None creates anything.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import type { ResourceImplementation } from "../../provider/internal/dynamic/resource-implementation";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator } from "../support/provider-context";

type Props = Record<string, unknown>;

/** One hostile input: the resource, its inputs, the property the refusal must name, and why. */
interface Hostile {
  title: string;
  resource: ResourceImplementation;
  inputs: Props;
  property: string;
  reason: RegExp;
  /** `none`: refused with no request; `preflight`: refused after reads only. */
  api: "none" | "preflight";
}

const PW = { database: "app", branch: "main" };
const PG = { database: "pg-app", branch: "main" };
const none = (
  title: string,
  resource: ResourceImplementation,
  inputs: Props,
  property: string,
  reason: RegExp,
) => ({ title, resource, inputs, property, reason, api: "none" }) satisfies Hostile;

/** Filled in `before`: a branch of `app`, to name with database `other`. */
let appBranchId = "";

const HOSTILE: Hostile[] = [
  // Names people read (the same rules as tokens'): 10.
  none("a whitespace-only name", password, { ...PW, name: "   " }, "name", /visible character/),
  none("a name with NUL", role, { ...PG, name: "app\u0000db" }, "name", /control character \(U\+0000\)/),
  none("a name with BEL", password, { ...PW, name: "app\u0007" }, "name", /control character \(U\+0007\)/),
  none(
    "a name with an ANSI escape",
    role,
    { ...PG, name: "\u001b[31mprod\u001b[0m" },
    "name",
    /ESC, as in an ANSI/,
  ),
  none("a name with a newline", password, { ...PW, name: "app\nprod" }, "name", /a newline \(U\+000A\)/),
  none(
    "a name with a right-to-left override",
    role,
    { ...PG, name: "app\u202Egnp.exe" },
    "name",
    /right-to-left override/,
  ),
  none(
    "a name of a zero-width space",
    password,
    { ...PW, name: "\u200b" },
    "name",
    /invisible character \(U\+200B\)/,
  ),
  none(
    "a 256-character name",
    role,
    { ...PG, name: "n".repeat(256) },
    "name",
    /at most 255 characters; it has 256/,
  ),
  none("an empty name", password, { ...PW, name: "" }, "name", /must not be empty: omit it/),
  none("a name that is a number", role, { ...PG, name: 42 }, "name", /name must be a string/),
  // The prefix of a generated name: 6.
  none(
    "a 100,000-character namePrefix",
    password,
    { ...PW, namePrefix: "p".repeat(100_000) },
    "namePrefix",
    /at most 255 characters; it has 100000/,
  ),
  none(
    "a whitespace-only namePrefix",
    role,
    { ...PG, namePrefix: " \t " },
    "namePrefix",
    /control character|visible character/,
  ),
  none(
    "a namePrefix with an ANSI escape",
    password,
    { ...PW, namePrefix: "pr\u001b[2J" },
    "namePrefix",
    /ESC/,
  ),
  none("a namePrefix with a newline", role, { ...PG, namePrefix: "pr\n42" }, "namePrefix", /a newline/),
  none("a namePrefix with NUL", password, { ...PW, namePrefix: "pr\u0000" }, "namePrefix", /U\+0000/),
  none(
    "a namePrefix with a left-to-right isolate",
    role,
    { ...PG, namePrefix: "pr\u2066x" },
    "namePrefix",
    /bidirectional control character \(U\+2066\)/,
  ),
  // Where it lives: 10.
  none("no database", password, { branch: "main" }, "database", /database is required/),
  none("a database path traversal", role, { ...PG, database: "../other" }, "database", /lowercase slug/),
  none("a database in capitals", password, { ...PW, database: "App" }, "database", /lowercase slug/),
  none(
    "an organization with a space",
    role,
    { ...PG, organization: "acme corp" },
    "organization",
    /lowercase slug/,
  ),
  none("no branch", password, { database: "app" }, "branch", /branch is required/),
  none("an empty branch", role, { ...PG, branch: "" }, "branch", /must not be empty/),
  none(
    "a whitespace-only branch",
    password,
    { ...PW, branch: "   " },
    "branch",
    /is not a branch name or id/,
  ),
  none("a branch path traversal", role, { ...PG, branch: "../main" }, "branch", /is not a branch name or id/),
  none(
    "a branch with a newline",
    password,
    { ...PW, branch: "main\n" },
    "branch",
    /'main\\u000a' is not a branch name/,
  ),
  none(
    "a branch with a query string",
    role,
    { ...PG, branch: "main?successor=x" },
    "branch",
    /is not a branch name or id/,
  ),
  // Lifetimes: 5.
  none("a negative ttl", password, { ...PW, ttl: -1 }, "ttl", /ttl/),
  none("an infinite ttl", role, { ...PG, ttl: 1e308 }, "ttl", /3650d/),
  none("a ttl of words", password, { ...PW, ttl: "forever" }, "ttl", /duration/),
  none("rotateBefore without ttl", role, { ...PG, rotateBefore: "1d" }, "rotateBefore", /needs ttl/),
  none(
    "rotateBefore as long as ttl",
    password,
    { ...PW, ttl: "1d", rotateBefore: "1d" },
    "rotateBefore",
    /shorter than ttl/,
  ),
  // What each kind takes: 7.
  none(
    "a password role that does not exist",
    password,
    { ...PW, role: "root" },
    "role",
    /reader, writer, admin, readwriter/,
  ),
  none("replica as text", password, { ...PW, replica: "yes" }, "replica", /true or false/),
  none(
    "an inherited role that does not exist",
    role,
    { ...PG, inheritedRoles: ["superuser"] },
    "inheritedRoles",
    /'superuser' is not a role/,
  ),
  none(
    "cidrs with a /33 range",
    password,
    { ...PW, cidrs: ["10.0.0.0/33"] },
    "cidrs",
    /'10\.0\.0\.0\/33' is neither an IP address nor a CIDR range/,
  ),
  none(
    "a successor with SQL in it",
    role,
    { ...PG, successor: "postgres; DROP ROLE app" },
    "successor",
    /is not a role of the branch/,
  ),
  none(
    "requireWhereOnDelete of another vocabulary",
    role,
    { ...PG, requireWhereOnDelete: "yes" },
    "requireWhereOnDelete",
    /off, warn, on/,
  ),
  none("a misspelt property", password, { ...PW, time_to_live: 60 }, "time_to_live", /time_to_live/),
  // Only PlanetScale knows: 3, at the preflight.
  {
    title: "a database that does not exist",
    resource: password,
    inputs: { database: "nope", branch: "main" },
    property: "database",
    reason: /database "nope" was not found in organization "acme".*Check the resource's `database`/s,
    api: "preflight",
  },
  {
    title: "a branch that does not exist",
    resource: role,
    inputs: { database: "pg-app", branch: "pr-404" },
    property: "branch",
    reason: /branch 'pr-404' does not exist in acme\/pg-app.*create it first/,
    api: "preflight",
  },
  {
    title: "a branch of another database (a Branch of app, given with database other)",
    resource: password,
    inputs: { database: "other", branch: "" },
    property: "branch",
    reason: /does not exist in acme\/other.*set `database` to the database the branch belongs to/,
    api: "preflight",
  },
];

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;

before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  ctx = contextForEmulator(emu, { "planetscale:maxRetries": "0" });
  const made = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
    body: { name: "pr-7" },
  });
  appBranchId = made.body.id as string;
  const another = HOSTILE.find((h) => h.title.startsWith("a branch of another database"));
  if (another) another.inputs["branch"] = appBranchId;
});
after(() => emu.stop());
beforeEach(() => emu.clearRequests());

/** The refusal's text for the property, whether `check` returned it as a failure or threw it. */
async function refusal(h: Hostile): Promise<string> {
  try {
    const result = await h.resource.check(ctx, {}, { ...h.inputs, __provider: "serialized-provider-text" });
    const failure = result.failures?.find((f) => f.property === h.property);
    assert.ok(failure, `no failure on ${h.property}: ${JSON.stringify(result.failures)}`);
    assert.equal(result.failures?.length, 1, "one refusal, once");
    return failure.reason;
  } catch (error) {
    assert.ok(error instanceof Error);
    assert.ok(error.message.includes(`\`${h.property}\``), `the error names ${h.property}: ${error.message}`);
    return error.message;
  }
}

describe("the 41 hostile inputs to BranchPassword and BranchRole", () => {
  test("there are 41: 38 judged without PlanetScale, 3 only it can judge", () => {
    assert.equal(HOSTILE.length, 41);
    assert.deepEqual(
      [HOSTILE.filter((h) => h.api === "none").length, HOSTILE.filter((h) => h.api === "preflight").length],
      [38, 3],
    );
  });

  for (const h of HOSTILE) {
    test(`${h.title}: refused at preview naming \`${h.property}\`${h.api === "none" ? ", with no API call" : " by the preflight"}`, async () => {
      const reason = await refusal(h);
      assert.match(reason, h.reason);
      // Echoing the input back can neither garble a terminal nor reorder the message.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point
      assert.doesNotMatch(reason, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      const requests = emu.requests();
      if (h.api === "none") assert.deepEqual(requests, [], "no API call");
      else {
        assert.ok(requests.length > 0, "asked PlanetScale");
        assert.deepEqual(
          requests.filter((r) => r.method !== "GET"),
          [],
          "reads only",
        );
      }
      assert.equal(emu.snapshot().passwords.length + emu.snapshot().roles.length, 0, "nothing created");
    });
  }
});
