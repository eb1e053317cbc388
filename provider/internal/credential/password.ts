import type { UpdatePasswordBody } from "../api/passwords";
import * as passwords from "../api/passwords";
import type { BranchPassword } from "../api/schemas";
import { createBody, readFields } from "../inputs/property-api";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import { BranchPasswordInputs } from "./inputs";
import { BRANCH_PASSWORD_PROPERTIES } from "./properties";

function remote(p: BranchPassword): RemoteCredential {
  return {
    id: p.id,
    name: p.name ?? undefined,
    username: p.username ?? undefined,
    host: p.access_host_url ?? undefined,
    secret: p.plain_text || undefined,
    databaseName: undefined,
    branchName: p.database_branch?.name ?? undefined,
    createdAt: p.created_at,
    actorId: p.actor?.id ?? null,
    expiresAt: p.expires_at ?? null,
    gone: Boolean(p.deleted_at) || p.expired === true,
    fields: readFields(BRANCH_PASSWORD_PROPERTIES, p),
  };
}

/**
 * MySQL (Vitess) branch passwords: `…/branches/{branch}/passwords`. The create body (made by
 * {@link BRANCH_PASSWORD_PROPERTIES}) is the spec's `create_password`: what planetscale-go's
 * `DatabaseBranchPasswordRequest` sends (planetscale/passwords.go: `name`, `role`, `ttl`,
 * `replica`), and the Terraform provider's `cidrs` and `direct_vtgate`.
 */
export const passwordFlavor: CredentialFlavor = {
  resource: "BranchPassword",
  noun: "password",
  kind: "mysql",
  otherResource: "BranchRole",
  accesses:
    "for passwords: read_branch and connect_branch (connect_production_branch on a production branch), delete_branch_password",
  properties: BRANCH_PASSWORD_PROPERTIES,
  schema: BranchPasswordInputs,
  async create(client, inputs, branchId) {
    // The flavor's schema parsed them: they are a password's inputs.
    const body = createBody(
      BRANCH_PASSWORD_PROPERTIES,
      inputs as BranchPasswordInputs & { name: string },
      Date.now(),
    );
    return remote(
      await passwords.createPassword(client, inputs.organization, inputs.database, branchId, body),
    );
  },
  async get(client, organization, database, branchId, id) {
    return remote(await passwords.getPassword(client, organization, database, branchId, id));
  },
  async *list(client, organization, database, branchId) {
    for await (const p of passwords.listPasswords(client, organization, database, branchId)) yield remote(p);
  },
  async update(client, organization, database, branchId, id, body) {
    // The table's `update` rows made it: the fields of `UpdatePasswordBody`.
    return remote(
      await passwords.updatePassword(
        client,
        organization,
        database,
        branchId,
        id,
        body as UpdatePasswordBody,
      ),
    );
  },
  remove: passwords.deletePassword,
  destroy: (client, organization, database, branchId, id) =>
    passwords.deletePassword(client, organization, database, branchId, id),
  /**
   * `ssl={"rejectUnauthorized":true}` is the form of PlanetScale's MySQL connection strings for
   * Node.js drivers (mysql2 reads the `ssl` query parameter as JSON; the PlanetScale dashboard's
   * "Connect → Node.js" string and its mysql2 guide use exactly this), and it makes the driver
   * verify the server certificate. The Prisma form (`sslaccept=strict`) is read by Prisma only.
   */
  databaseUrl({ username, password, host, database }) {
    return `mysql://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}/${encodeURIComponent(database)}?ssl={"rejectUnauthorized":true}`;
  },
  deleteCommand(organization, database, branch, id) {
    return `pscale password delete ${database} ${branch} ${id} --org ${organization}`;
  },
};
