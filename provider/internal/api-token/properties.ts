import type * as schemas from "../api/schemas";
import type { CreateServiceTokenBody } from "../api/service-tokens";
import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable, ResourceApi } from "../inputs/property-table";
import { normalizeTimestamp } from "../inputs/timestamp";

/** The PlanetScale API the ApiToken table names (`api/service-tokens.ts`). */
export interface ApiTokenApi extends ResourceApi {
  readonly createBody: keyof CreateServiceTokenBody;
  readonly calls: {
    /**
     * `POST` (grant) and `DELETE` (revoke) `…/service-tokens/{id}/access` with `{database?, access}`:
     * after the create, and in place for exactly the accesses that differ.
     */
    readonly "access grants": never;
  };
  readonly object: schemas.ServiceToken;
  readonly fields: keyof (typeof schemas.ServiceToken)["shape"];
}

/**
 * Every property of an ApiToken, declared once (see {@link PropertyTable}): it drives `diff`, the
 * create request's body, the outputs read from PlanetScale's token and their echo after a refresh,
 * the outputs the `ApiToken` class exposes and keeps secret, the README's ApiToken tables and the
 * `ApiTokenArgs` TSDoc. Adding an input means a row here (saying how it is sent), its zod rule in
 * `./inputs` and its field on `ApiTokenArgs` (the typechecker refuses one without the others).
 */
export const API_TOKEN_PROPERTIES = {
  organization: ORGANIZATION,
  name: {
    input: { change: "replace", sent: { body: "name" } },
    output: "reported",
    from: "name",
    doc: "The token's name (not unique in PlanetScale).",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix, kept across updates",
    changeDoc: "replace (PlanetScale cannot rename tokens)",
  },
  namePrefix: NAME_PREFIX,
  scopes: {
    input: {
      change: "update",
      compare: "set",
      sent: { call: "access grants" },
      applied: { call: "access grants" },
    },
    output: "echo",
    doc: "Scope presets: any of `read_only`, `schema_changes`, `database_access`, `admin`; combined with `permissions`.",
  },
  permissions: {
    input: {
      change: "update",
      compare: "set",
      sent: { call: "access grants" },
      applied: { call: "access grants" },
    },
    output: "echo",
    doc: 'Explicit PlanetScale access names, e.g. `read_branch`, `create_databases` (every one is in the README, "Access names accepted in `permissions`"), added to the scopes; unknown names are refused at preview.',
  },
  databases: {
    input: {
      change: "update",
      compare: "set",
      sent: { call: "access grants" },
      applied: { call: "access grants" },
    },
    output: "echo",
    doc: "Grant the database accesses on these databases only (organization accesses stay at organization level either way).",
    defaultDoc: "organization level (every database, including future ones)",
  },
  expiresAt: {
    input: {
      change: "replace",
      compare: "instant",
      echoKey: "requestedExpiresAt",
      sent: { body: "ttl", as: "seconds until" },
    },
    output: "reported",
    from: "expires_at",
    read: (token) => normalizeTimestamp(token.expires_at),
    doc: 'When the token expires: ISO 8601 with a time zone (`"2027-01-01T00:00:00Z"`), or a date (`"2027-01-01"`, midnight UTC); must be in the future; not with `ttl`. The output is the real expiry as PlanetScale reports it.',
    defaultDoc: "never (with `ttl` unset; a warning says so at preview)",
  },
  ttl: {
    input: { change: "replace", compare: "duration", sent: { body: "ttl", as: "seconds" } },
    output: "echo",
    doc: 'Lifetime from creation: seconds, or `"90s"`, `"12h"`, `"30d"`, `"1d12h"`; not with `expiresAt`.',
    defaultDoc: "never expires (with `expiresAt` unset)",
  },
  rotateBefore: {
    input: { change: "update", compare: "duration", sent: "no API call", applied: "no API call" },
    output: "echo",
    doc: 'Replace the token (new one first) once it is within this long of expiry: seconds, or `"7d"`; needs `ttl` (or an `expiresAt` later than this window). An expired token is always replaced.',
  },
  tokenId: { output: "reported", from: "id", doc: "PlanetScale's id of the token (also the resource id)." },
  token: {
    output: "reported",
    from: { source: "the create answer (PlanetScale shows it once; carried in the state)" },
    secret: true,
    doc: "The token's secret value.",
  },
  authorizationHeader: {
    output: "reported",
    from: { source: "the create answer" },
    secret: true,
    doc: "`<tokenId>:<token>`, the value of PlanetScale's `Authorization` header.",
  },
  grants: {
    output: "reported",
    from: { source: "the token's access list (`GET …/access`), or the grants' answers" },
    doc: 'What the token actually holds: `[{resource: "organization" | "database", name, accesses}]`, sorted.',
  },
  createdAt: { ...CREATED_AT, read: (token) => normalizeTimestamp(token.created_at) },
} as const satisfies PropertyTable<ApiTokenApi>;
