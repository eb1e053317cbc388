import type { UpdateRoleBody } from "../api/roles";
import * as roles from "../api/roles";
import type { BranchRole } from "../api/schemas";
import { createBody, readFields } from "../inputs/property-api";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import { BranchRoleInputs } from "./inputs";
import { BRANCH_ROLE_PROPERTIES } from "./properties";
import { destroyRole, roleDeleteCommand } from "./role-destroy";

/** PlanetScale's Postgres port, for direct connections. */
const POSTGRES_PORT = 5432;
/**
 * The port of the PgBouncer on the same host: "To connect to PSBouncer, switch the port in your
 * connection string from 5432 to 6432" (planetscale.com/docs/postgres/connecting/psbouncer); alchemy's
 * `Role.connectionUrlPooled` is made the same way.
 */
const PGBOUNCER_PORT = 6432;

function remote(r: BranchRole): RemoteCredential {
  return {
    id: r.id,
    name: r.name ?? undefined,
    username: r.username ?? undefined,
    host: r.access_host_url ?? undefined,
    // The spec types `password` as a string that is only filled in the create answer.
    secret: r.password || undefined,
    databaseName: r.database_name ?? undefined,
    branchName: r.branch?.name ?? undefined,
    createdAt: r.created_at,
    actorId: r.actor?.id ?? null,
    expiresAt: r.expires_at ?? null,
    gone: Boolean(r.deleted_at) || Boolean(r.dropped_at) || r.expired === true,
    fields: readFields(BRANCH_ROLE_PROPERTIES, r),
  };
}

/**
 * Postgres branch roles: `…/branches/{branch}/roles`. The create body (made by
 * {@link BRANCH_ROLE_PROPERTIES}) is the spec's `create_role` as the Terraform provider's
 * `planetscale_postgres_branch_role` sends it (`name`, `ttl`, `inherited_roles`), with pscale's
 * `with_replication` and the spec's `require_where_on_delete/update`. It is deleted with a
 * `successor` ({@link destroyRole}).
 */
export const roleFlavor: CredentialFlavor = {
  resource: "BranchRole",
  noun: "role",
  kind: "postgresql",
  otherResource: "BranchPassword",
  accesses:
    "for roles: read_branch, create_branch_password (create_production_branch_password on a production branch), delete_branch_password",
  properties: BRANCH_ROLE_PROPERTIES,
  schema: BranchRoleInputs,
  async create(client, inputs, branchId) {
    // The flavor's schema parsed them: they are a role's inputs.
    const body = createBody(
      BRANCH_ROLE_PROPERTIES,
      inputs as BranchRoleInputs & { name: string },
      Date.now(),
    );
    return remote(await roles.createRole(client, inputs.organization, inputs.database, branchId, body));
  },
  async get(client, organization, database, branchId, id) {
    return remote(await roles.getRole(client, organization, database, branchId, id));
  },
  async *list(client, organization, database, branchId) {
    for await (const r of roles.listRoles(client, organization, database, branchId)) yield remote(r);
  },
  async update(client, organization, database, branchId, id, body) {
    // The table's `update` rows made it: the fields of `UpdateRoleBody`.
    return remote(
      await roles.updateRole(client, organization, database, branchId, id, body as UpdateRoleBody),
    );
  },
  remove: (client, organization, database, branchId, id) =>
    roles.deleteRole(client, organization, database, branchId, id),
  destroy: destroyRole,
  /** `sslmode=verify-full`: TLS with the certificate and host name verified, as PlanetScale requires. */
  databaseUrl({ username, password, host, database }) {
    return `postgresql://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${host}:${POSTGRES_PORT}/${encodeURIComponent(database)}?sslmode=verify-full`;
  },
  /** The URL {@link roleFlavor.databaseUrl} makes, on the PgBouncer's port. */
  pooledDatabaseUrl(databaseUrl) {
    return databaseUrl.replace(`:${POSTGRES_PORT}/`, `:${PGBOUNCER_PORT}/`);
  },
  deleteCommand: roleDeleteCommand,
};
