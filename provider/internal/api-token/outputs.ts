import type { ServiceToken, ServiceTokenAccess } from "../api/schemas";
import { outputsOf, readFields } from "../inputs/property-api";
import { type AccessEntry, type Grant, grantsFromAccesses } from "./grants";
import type { ApiTokenInputs } from "./inputs";
import { API_TOKEN_PROPERTIES } from "./properties";

/** Inputs after `check`: the organization is always known, the name always set. */
export type ResolvedApiTokenInputs = ApiTokenInputs & { organization: string; name: string };

/**
 * Output key holding the `expiresAt` input as given (the `expiresAt` output is the real expiry):
 * the `echoKey` of `expiresAt` in {@link API_TOKEN_PROPERTIES}.
 */
export const REQUESTED_EXPIRES_AT = API_TOKEN_PROPERTIES.expiresAt.input.echoKey;

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

/**
 * The full output state of an ApiToken, as {@link API_TOKEN_PROPERTIES} makes it: the inputs as
 * given, what PlanetScale reports of the token, its grants and its secret.
 */
export function toOutputs(
  token: ServiceToken,
  inputs: ResolvedApiTokenInputs,
  grants: Grant[],
  secret: TokenSecret,
): Record<string, unknown> {
  return outputsOf(API_TOKEN_PROPERTIES, inputs, readFields(API_TOKEN_PROPERTIES, token), {
    grants,
    token: secret.token,
    authorizationHeader: secret.authorizationHeader,
  });
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
