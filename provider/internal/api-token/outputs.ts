import type { ServiceToken, ServiceTokenAccess } from "../api/schemas";
import { type AccessEntry, type Grant, grantsFromAccesses } from "./grants";
import type { ApiTokenInputs } from "./inputs";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedApiTokenInputs = ApiTokenInputs & { organization: string; name: string };

/**
 * Inputs echoed into the outputs, so `diff` (which receives old outputs) can compare them.
 * `expiresAt` is the exception: the output holds the token's real expiry, and the requested
 * value is echoed as {@link REQUESTED_EXPIRES_AT}.
 */
export const ECHOED_INPUT_KEYS = [
  "organization",
  "name",
  "namePrefix",
  "scopes",
  "permissions",
  "databases",
  "ttl",
  "rotateBefore",
] as const;

/** Output key holding the `expiresAt` input as given (the `expiresAt` output is the real expiry). */
export const REQUESTED_EXPIRES_AT = "requestedExpiresAt";

/** The plaintext secret, known only from the create response and carried forward afterwards. */
export interface TokenSecret {
  token: string | undefined;
  authorizationHeader: string | undefined;
}

/** The secret outputs for a freshly created token. */
export function secretOf(id: string, token: string): TokenSecret {
  return { token, authorizationHeader: `${id}:${token}` };
}

/** The secret outputs carried forward from earlier outputs (the API never returns them again). */
export function carriedSecret(props: Record<string, unknown>): TokenSecret {
  const token = typeof props["token"] === "string" ? props["token"] : undefined;
  const header = typeof props["authorizationHeader"] === "string" ? props["authorizationHeader"] : undefined;
  return { token, authorizationHeader: header };
}

/** The full output state of an ApiToken. */
export function toOutputs(
  token: ServiceToken,
  inputs: ResolvedApiTokenInputs,
  grants: Grant[],
  secret: TokenSecret,
): Record<string, unknown> {
  return dropUndefined({
    tokenId: token.id,
    organization: inputs.organization,
    name: token.name ?? inputs.name,
    namePrefix: inputs.namePrefix,
    scopes: inputs.scopes,
    permissions: inputs.permissions,
    databases: inputs.databases,
    ttl: inputs.ttl,
    rotateBefore: inputs.rotateBefore,
    [REQUESTED_EXPIRES_AT]: inputs.expiresAt,
    expiresAt: normalizeTimestamp(token.expires_at),
    createdAt: normalizeTimestamp(token.created_at),
    grants,
    token: secret.token,
    authorizationHeader: secret.authorizationHeader,
  });
}

/** The inputs as they stand after a refresh: what the program gave, as echoed in the outputs. */
export function inputsFromOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const key of ECHOED_INPUT_KEYS) {
    const value = outputs[key];
    if (value !== undefined && value !== null) inputs[key] = value;
  }
  const requested = outputs[REQUESTED_EXPIRES_AT];
  if (typeof requested === "string") inputs["expiresAt"] = requested;
  return inputs;
}

/** The token's accesses as PlanetScale lists them, grouped into the sorted `grants` shape. */
export function grantsOf(organization: string, accesses: readonly ServiceTokenAccess[]): Grant[] {
  return grantsFromAccesses(organization, accesses.map(accessEntry));
}

/**
 * Where an access applies. planetscale-go's shape names the database in `resource.name` with
 * `type: "DatabaseAccess"`; the spec's uses `resource_type`/`resource_name`. Anything marked as
 * an organization, or naming no resource, is organization level.
 */
export function accessEntry(access: ServiceTokenAccess): AccessEntry {
  const kinds = [access.type, access.resource_type, access.resource?.type].map((t) =>
    (t ?? "").toLowerCase(),
  );
  const isOrganization = kinds.some((t) => t.startsWith("organization"));
  const database = access.resource?.name ?? access.resource_name ?? null;
  return { access: access.access, database: isOrganization ? null : database };
}

/** ISO 8601 with milliseconds (`2027-01-01T00:00:00.000Z`), or null. */
export function normalizeTimestamp(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
