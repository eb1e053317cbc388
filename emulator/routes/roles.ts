/**
 * Postgres branch roles: `…/branches/{branch}/roles[/{id}[/renew|reset|reassign]]`, `…/roles/default`
 * and `…/roles/reset-default`. Shapes from the spec's `*_role` operations; request bodies as
 * PlanetScale's clients send them: pscale's copy of planetscale-go
 * (`internal/planetscale/postgres_roles.go`) and the Terraform provider's generated models
 * (`createrole.go`, `updaterole.go`, `deleterole.go`). The plaintext `password` is in the create and
 * reset answers only.
 */
import { z } from "zod";
import { unprocessable } from "../http/errors";
import { credentialUsername, iso } from "../state/ids";
import { QuerySafety, type RoleRecord } from "../state/records";
import { baseUsername } from "../state/roles";
import type { CredentialKind } from "./credential-kit";
import { credentialRoutes } from "./credential-routes";
import { reassignTo, roleActionRoutes } from "./role-actions";
import { renderRole } from "./role-render";

/**
 * The spec's enum of `inherited_roles`, and `pscale_managed`, which the Terraform provider's
 * generated models also list (`internal/sdk/models/operations/createrole.go`).
 */
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
  "pscale_managed",
] as const;

/**
 * A query-safety setting: the spec types the request field as a string and the answer as
 * `off`, `warn` or `on`; anything else is refused (422).
 */
function querySafety(value: string | undefined, field: string): QuerySafety | undefined {
  if (value === undefined) return undefined;
  const parsed = QuerySafety.safeParse(value);
  if (!parsed.success) throw unprocessable(`${field} must be one of off, warn, on`);
  return parsed.data;
}

const createBody = z.strictObject({
  name: z.string().optional(),
  ttl: z.number().optional(),
  inherited_roles: z.array(z.enum(INHERITABLE)).optional(),
  with_replication: z.boolean().optional(),
  require_where_on_delete: z.string().optional(),
  require_where_on_update: z.string().optional(),
});

/** `PATCH …/roles/{id}`: pscale `role update --name` and Terraform send `name` only. */
const updateBody = z.strictObject({
  name: z.string().optional(),
  require_where_on_delete: z.string().optional(),
  require_where_on_update: z.string().optional(),
});

/**
 * `DELETE …/roles/{id}`: the spec takes `successor` as a query parameter; pscale
 * (`DeletePostgresRoleRequest`, `successor,omitempty`) and the Terraform provider
 * (`DeleteRoleRequestBody`) send it in the body.
 */
const deleteBody = z.strictObject({ successor: z.string().optional() });

/** Roles: created with 200 (the spec's status); usernames carry the branch id. */
const roleKind: CredentialKind<RoleRecord, z.output<typeof createBody>, z.output<typeof updateBody>> = {
  noun: "role",
  collection: "roles",
  databaseKind: "postgresql",
  createdStatus: 200,
  createBody,
  updateBody,
  deleteBody,
  statuses: ["active", "renewable", "expired", "disabled"],
  records: (store) => store.data.roles,
  // The branch's default `postgres` role has its own endpoints (`…/roles/default`).
  listed: (role) => !role.isDefault,
  // The spec: "Search roles by name or username".
  matches: (role, q) => role.name.toLowerCase().includes(q) || role.username.toLowerCase().includes(q),
  build(common, body) {
    const onDelete = querySafety(body.require_where_on_delete, "require_where_on_delete");
    const onUpdate = querySafety(body.require_where_on_update, "require_where_on_update");
    return {
      ...common,
      inheritedRoles: body.inherited_roles ?? ["postgres"],
      withReplication: body.with_replication ?? false,
      requireWhereOnDelete: onDelete ?? "off",
      requireWhereOnUpdate: onUpdate ?? "off",
      isDefault: false,
      ownedObjects: [],
    };
  },
  update(role, body) {
    const onDelete = querySafety(body.require_where_on_delete, "require_where_on_delete");
    const onUpdate = querySafety(body.require_where_on_update, "require_where_on_update");
    const before = `${role.requireWhereOnDelete}/${role.requireWhereOnUpdate}`;
    role.requireWhereOnDelete = onDelete ?? role.requireWhereOnDelete;
    role.requireWhereOnUpdate = onUpdate ?? role.requireWhereOnUpdate;
    return `${role.requireWhereOnDelete}/${role.requireWhereOnUpdate}` !== before;
  },
  beforeDelete(ctx, role, branch, body) {
    if (role.isDefault) {
      throw unprocessable("The default postgres role cannot be deleted; reset its password instead");
    }
    const successor = ctx.query.get("successor") || (body["successor"] as string | undefined) || undefined;
    if (successor !== undefined) reassignTo(ctx, role, branch, successor);
    else if (role.ownedObjects.length > 0) {
      // PlanetScale's answer, quoted in anomalyco/sst PR #6932.
      throw unprocessable(
        "Role is still referenced and cannot be dropped.",
        `role ${baseUsername(role)} owns ${role.ownedObjects.join(", ")}; pass successor (e.g. postgres) or reassign them first`,
      );
    }
  },
  defaultName: (_branch, now) => `role-${iso(now).slice(0, 10)}`,
  // Postgres usernames carry the branch id after a dot: PlanetScale routes connections by it.
  newUsername: (branch) => `pscale_api_${credentialUsername()}.${branch.id}`,
  render: renderRole,
};

/** Role routes: the role-only actions first, then the shared ones. */
export const roleRoutes = [...roleActionRoutes, ...credentialRoutes(roleKind)];
