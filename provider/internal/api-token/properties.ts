import { CREATED_AT, NAME_PREFIX, ORGANIZATION } from "../inputs/common-properties";
import type { PropertyTable } from "../inputs/property-table";

/**
 * Every property of an ApiToken, declared once (see {@link PropertyTable}): it drives `diff`, the
 * outputs and their echo after a refresh, the outputs the `ApiToken` class exposes and keeps
 * secret, and the README's ApiToken tables. Adding an input means a row here and its zod rule in
 * `./inputs` (the typechecker refuses one without the other).
 */
export const API_TOKEN_PROPERTIES = {
  organization: ORGANIZATION,
  name: {
    input: { change: "replace" },
    output: "reported",
    doc: "The token's name (not unique in PlanetScale).",
    defaultDoc: "the resource name (or `namePrefix`) plus a random suffix, kept across updates",
    changeDoc: "replace (PlanetScale cannot rename tokens)",
  },
  namePrefix: NAME_PREFIX,
  scopes: {
    input: { change: "update", compare: "set" },
    output: "echo",
    doc: "Scope presets: any of `read_only`, `schema_changes`, `database_access`, `admin`; combined with `permissions`.",
  },
  permissions: {
    input: { change: "update", compare: "set" },
    output: "echo",
    doc: "Explicit PlanetScale access names (below), added to the scopes.",
  },
  databases: {
    input: { change: "update", compare: "set" },
    output: "echo",
    doc: "Grant the database accesses on these databases only.",
    defaultDoc: "organization level (every database, including future ones)",
  },
  expiresAt: {
    input: { change: "replace", compare: "instant", echoKey: "requestedExpiresAt" },
    output: "reported",
    doc: "When the token expires: ISO 8601 with a time zone, or a date (midnight UTC); must be in the future; not with `ttl`. The output is the real expiry as PlanetScale reports it.",
    defaultDoc: "never (with `ttl` unset)",
  },
  ttl: {
    input: { change: "replace", compare: "duration" },
    output: "echo",
    doc: 'Lifetime from creation: seconds, or `"90s"`, `"12h"`, `"30d"`, `"1d12h"`; not with `expiresAt`.',
    defaultDoc: "never expires (with `expiresAt` unset)",
  },
  rotateBefore: {
    input: { change: "update", compare: "duration" },
    output: "echo",
    doc: "Replace the token (new one first) once it is within this long of expiry.",
    changeDoc: "in place (no API call)",
  },
  tokenId: { output: "reported", doc: "PlanetScale's id of the token (also the resource id)." },
  token: { output: "reported", secret: true, doc: "The token's secret value." },
  authorizationHeader: {
    output: "reported",
    secret: true,
    doc: "`<tokenId>:<token>`, the value of PlanetScale's `Authorization` header.",
  },
  grants: {
    output: "reported",
    doc: 'What the token actually holds: `[{resource: "organization" | "database", name, accesses}]`, sorted.',
  },
  createdAt: CREATED_AT,
} as const satisfies PropertyTable;
