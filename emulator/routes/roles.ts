/**
 * Postgres branch roles: `…/branches/{branch}/roles[/{id}[/renew]]`. Shapes from the spec's
 * `*_role` operations; the create body as the Terraform provider's
 * `planetscale_postgres_branch_role` sends it (`name`, `ttl`, `inherited_roles`). The plaintext
 * `password` is in the create answer only.
 */
import { z } from "zod";
import { isExpired } from "../state/credentials";
import { credentialUsername, iso, isoOrNull } from "../state/ids";
import type { BranchRecord, RoleRecord } from "../state/records";
import { postgresAddress } from "../state/regions";
import { type CredentialKind, credentialRoutes } from "./credential-routes";
import { TOKEN_AVATAR } from "./serialize";

/** The spec's enum of `inherited_roles`. */
const INHERITABLE = [
  "pg_checkpoint",
  "pg_create_subscription",
  "pg_maintain",
  "pg_monitor",
  "pg_read_all_data",
  "pg_read_all_settings",
  "pg_read_all_stats",
  "pg_signal_backend",
  "pg_stat_scan_tables",
  "pg_use_reserved_connections",
  "pg_write_all_data",
  "postgres",
] as const;

function render(role: RoleRecord, branch: BranchRecord, now: number, password: string | null) {
  const baseUsername = role.username.split(".")[0] ?? role.username;
  return {
    id: role.id,
    name: role.name,
    access_host_url: postgresAddress(branch.region),
    private_access_host_url: postgresAddress(branch.region).replace(".pg.", ".private-pg."),
    private_connection_service_name: "",
    username: role.username,
    base_username: baseUsername,
    // The spec types `password` as a required string "available only after create": elsewhere "".
    password: password ?? "",
    database_name: "postgres",
    created_at: iso(role.createdAt),
    updated_at: iso(role.updatedAt),
    deleted_at: null,
    expires_at: isoOrNull(role.expiresAt),
    dropped_at: null,
    disabled_at: null,
    drop_failed: "",
    ready: true,
    expired: isExpired(role, now),
    default: false,
    ttl: role.ttlSeconds ?? 0,
    inherited_roles: role.inheritedRoles,
    with_replication: false,
    branch: {
      id: branch.id,
      name: branch.name,
      created_at: iso(branch.createdAt),
      updated_at: iso(branch.updatedAt),
      deleted_at: null,
    },
    actor: role.actor
      ? { id: role.actor.id, display_name: role.actor.displayName, avatar_url: TOKEN_AVATAR }
      : { id: "", display_name: "", avatar_url: TOKEN_AVATAR },
    query_safety_settings: { require_where_on_delete: "off", require_where_on_update: "off" },
  };
}

const createBody = z.strictObject({
  name: z.string().optional(),
  ttl: z.number().optional(),
  inherited_roles: z.array(z.enum(INHERITABLE)).optional(),
  with_replication: z.boolean().optional(),
  require_where_on_delete: z.string().optional(),
  require_where_on_update: z.string().optional(),
});

/** Roles: created with 200 (the spec's status); usernames carry the branch id. */
const roleKind: CredentialKind<RoleRecord, z.output<typeof createBody>> = {
  noun: "role",
  collection: "roles",
  databaseKind: "postgresql",
  createdStatus: 200,
  createBody,
  records: (store) => store.data.roles,
  build: (common, body) => ({ ...common, inheritedRoles: body.inherited_roles ?? ["postgres"] }),
  defaultName: (_branch, now) => `role-${iso(now).slice(0, 10)}`,
  // Postgres usernames carry the branch id after a dot: PlanetScale routes connections by it.
  newUsername: (branch) => `pscale_api_${credentialUsername()}.${branch.id}`,
  render,
};

/** Role routes. */
export const roleRoutes = credentialRoutes(roleKind);
