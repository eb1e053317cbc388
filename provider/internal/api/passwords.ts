import type { PlanetScaleClient } from "../client/client";
import { observedCreate } from "./create-attempts";
import { paginate } from "./pagination";
import { passwordPath, passwordsPath } from "./paths";
import { BranchPassword } from "./schemas";

/** The roles a MySQL branch password can have (the spec's enum on `create_password`). */
export const PASSWORD_ROLES = ["reader", "writer", "admin", "readwriter"] as const;
/** One of {@link PASSWORD_ROLES}. */
export type PasswordRole = (typeof PASSWORD_ROLES)[number];

/**
 * Body of `POST …/branches/{branch}/passwords`, as the spec's `create_password` has it:
 * planetscale-go's `DatabaseBranchPasswordRequest` (planetscale/passwords.go) sends `name`, `role`,
 * `ttl`, `replica`; the Terraform provider's `CreatePasswordRequestBody` also `cidrs` and
 * `direct_vtgate`.
 */
export interface CreatePasswordBody {
  name?: string | undefined;
  role?: PasswordRole | undefined;
  /** Lifetime in seconds; the password stops working once it has passed. */
  ttl?: number | undefined;
  /** A password for the branch's read replicas. */
  replica?: boolean | undefined;
  /** IP addresses or CIDR ranges that may use it (the spec: "List of IP addresses or CIDR ranges"). */
  cidrs?: string[] | undefined;
  /** Connect directly to a VTGate, bypassing the load balancers. */
  direct_vtgate?: boolean | undefined;
}

/**
 * Body of `PATCH …/passwords/{id}` (spec `update_password`; pscale `password update --new-name
 * --cidrs`, where `--cidrs ""` sends `[]`): a rename, new IP restrictions, or both. The password,
 * its id and its username stay.
 */
export interface UpdatePasswordBody {
  name?: string | undefined;
  cidrs?: string[] | undefined;
}

/** Every password of a branch (all pages; `plain_text` is null in lists). */
export function listPasswords(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
): AsyncIterableIterator<BranchPassword> {
  return paginate(client, passwordsPath(organization, database, branch), { itemSchema: BranchPassword });
}

/** One password by id (`plain_text` is null: the secret is only in the create answer). */
export function getPassword(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<BranchPassword> {
  return client.request({
    method: "GET",
    path: passwordPath(organization, database, branch, id),
    schema: BranchPassword,
  });
}

/**
 * Creates a password (201). The answer is the only one carrying `plain_text`: keep it as a secret,
 * never log it. Not retried once it may have been applied (`OutcomeUnknownError`).
 */
export function createPassword(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  body: CreatePasswordBody,
): Promise<BranchPassword> {
  return observedCreate(client, { kind: "password", organization, database, branch, name: body.name }, () =>
    client.request({
      method: "POST",
      path: passwordsPath(organization, database, branch),
      body,
      schema: BranchPassword,
    }),
  );
}

/** Renames a password or changes its `cidrs` in place (200, the password without `plain_text`). */
export function updatePassword(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
  body: UpdatePasswordBody,
): Promise<BranchPassword> {
  return client.request({
    method: "PATCH",
    path: passwordPath(organization, database, branch, id),
    body,
    schema: BranchPassword,
    // Setting the same name and restrictions again changes nothing.
    idempotent: true,
  });
}

/** Deletes a password (204); it stops authenticating at once. */
export async function deletePassword(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<void> {
  await client.request({ method: "DELETE", path: passwordPath(organization, database, branch, id) });
}

/** Extends a renewable password's expiry by its ttl (`POST …/renew`, no body). */
export function renewPassword(
  client: PlanetScaleClient,
  organization: string,
  database: string,
  branch: string,
  id: string,
): Promise<BranchPassword> {
  return client.request({
    method: "POST",
    path: `${passwordPath(organization, database, branch, id)}/renew`,
    schema: BranchPassword,
  });
}
