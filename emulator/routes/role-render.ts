/** The API's Postgres role object (`get_role` and friends), as the spec's role schema lists it. */
import { isExpired } from "../state/credentials";
import { iso, isoOrNull } from "../state/ids";
import type { BranchRecord, RoleRecord } from "../state/records";
import { postgresAddress } from "../state/regions";
import { baseUsername } from "../state/roles";
import { TOKEN_AVATAR } from "./serialize";

/** The role object; `password` is the plaintext, given only when it was just set. */
export function renderRole(role: RoleRecord, branch: BranchRecord, now: number, password: string | null) {
  return {
    id: role.id,
    name: role.name,
    access_host_url: postgresAddress(branch.region),
    private_access_host_url: postgresAddress(branch.region).replace(".pg.", ".private-pg."),
    private_connection_service_name: "",
    username: role.username,
    base_username: baseUsername(role),
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
    default: role.isDefault,
    ttl: role.ttlSeconds ?? 0,
    inherited_roles: role.inheritedRoles,
    with_replication: role.withReplication,
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
    query_safety_settings: {
      require_where_on_delete: role.requireWhereOnDelete,
      require_where_on_update: role.requireWhereOnUpdate,
    },
  };
}
