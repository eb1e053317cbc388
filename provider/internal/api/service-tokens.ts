import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { listEnvelope, paginate } from "./pagination";
import { serviceTokenPath, serviceTokensPath } from "./paths";
import { ServiceToken, ServiceTokenAccess } from "./schemas";

/** Body of `POST …/service-tokens`. */
export interface CreateServiceTokenBody {
  name?: string | undefined;
  /** Lifetime in seconds; PlanetScale sets `expires_at` from it. Absent: never expires. */
  ttl?: number | undefined;
}

/** Body of `POST` / `DELETE …/service-tokens/{id}/access`. */
export interface ServiceTokenAccessBody {
  /** Database name; absent for organization-level accesses. */
  database?: string | undefined;
  /** Permission names, e.g. `read_branch`, `create_branch`. */
  access: string[];
}

const AccessList = listEnvelope(ServiceTokenAccess);

/** Every service token of the organization (all pages; `token` is null in lists). */
export function listServiceTokens(
  client: PlanetScaleClient,
  organization: string,
): AsyncIterableIterator<ServiceToken> {
  return paginate(client, serviceTokensPath(organization), { itemSchema: ServiceToken });
}

/** One service token (its `token` is null: the secret is only returned by create). */
export function getServiceToken(
  client: PlanetScaleClient,
  organization: string,
  id: string,
): Promise<ServiceToken> {
  return client.request({ method: "GET", path: serviceTokenPath(organization, id), schema: ServiceToken });
}

/**
 * Creates a service token. The answer (200) is the only one that carries the plaintext `token`:
 * keep it as a secret, never log it.
 */
export function createServiceToken(
  client: PlanetScaleClient,
  organization: string,
  body: CreateServiceTokenBody = {},
): Promise<ServiceToken> {
  return observedCreate(client, { kind: "serviceToken", organization, name: body.name }, () =>
    client.request({ method: "POST", path: serviceTokensPath(organization), body, schema: ServiceToken }),
  );
}

/** Deletes a service token (204). */
export async function deleteServiceToken(
  client: PlanetScaleClient,
  organization: string,
  id: string,
): Promise<void> {
  await client.request({ method: "DELETE", path: serviceTokenPath(organization, id) });
}

/** Accesses granted to a token (`GET …/access`, not in the public spec; pages followed if any). */
export async function listServiceTokenAccesses(
  client: PlanetScaleClient,
  organization: string,
  id: string,
): Promise<ServiceTokenAccess[]> {
  const out: ServiceTokenAccess[] = [];
  for await (const access of paginate(client, `${serviceTokenPath(organization, id)}/access`, {
    itemSchema: ServiceTokenAccess,
  })) {
    out.push(access);
  }
  return out;
}

/**
 * Grants accesses (`POST …/access` with `{database?, access}`); without `database` they are
 * organization-level. Returns the accesses the answer lists (PlanetScale lists the ones granted),
 * or undefined when the answer has no body.
 */
export async function addServiceTokenAccesses(
  client: PlanetScaleClient,
  organization: string,
  id: string,
  body: ServiceTokenAccessBody,
): Promise<ServiceTokenAccess[] | undefined> {
  const result = await client.request({
    method: "POST",
    path: `${serviceTokenPath(organization, id)}/access`,
    body: accessBody(body),
    schema: AccessList.optional(),
    // Granting accesses a token already holds changes nothing, so a failed grant can be retried.
    idempotent: true,
  });
  return result?.data;
}

/** Revokes accesses: `DELETE …/access` carrying the same JSON body as the grant. */
export async function removeServiceTokenAccesses(
  client: PlanetScaleClient,
  organization: string,
  id: string,
  body: ServiceTokenAccessBody,
): Promise<void> {
  await client.request({
    method: "DELETE",
    path: `${serviceTokenPath(organization, id)}/access`,
    body: accessBody(body),
  });
}

function accessBody(body: ServiceTokenAccessBody): ServiceTokenAccessBody {
  if (!Array.isArray(body.access) || body.access.length === 0) {
    throw new TypeError("service token access changes need at least one access name");
  }
  return body.database === undefined
    ? { access: body.access }
    : { database: body.database, access: body.access };
}
