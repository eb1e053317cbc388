/**
 * Postgres role requests as pscale (planetscale/cli, through its copy of planetscale-go in
 * `internal/planetscale/postgres_roles.go`), older planetscale-go and the official Terraform
 * provider send them.
 */
import assert from "node:assert/strict";
import {
  type AdminApi,
  type ConformanceCase,
  type ControlApi,
  GO_SDK_GET,
  GO_SDK_JSON,
  TERRAFORM_JSON,
} from "./case";

const P = "/organizations/acme/databases/pg-app/branches/main/roles";
const CLI = "planetscale/cli internal/planetscale/postgres_roles.go";
const TF = "planetscale/terraform-provider-planetscale internal/sdk/models/operations";

/** A role on `main`; its id as `{id}`. With `tables`, it owns them (a client created them as it). */
function role(extra: Record<string, unknown> = {}, tables: string[] = []) {
  return async (admin: AdminApi, control: ControlApi) => {
    const created = await admin("POST", P, { name: "app", ...extra });
    if (tables.length > 0) {
      const owned = await control("POST", `/_emulator/roles/${created.body.id}/objects`, { tables });
      assert.equal(owned.status, 200);
    }
    return { id: created.body.id as string };
  };
}

export const cases: ConformanceCase[] = [
  {
    title: "pscale role create pg-app main app --ttl 3600 --inherited-roles pg_read_all_data",
    source: `${CLI} CreatePostgresRoleRequest: name (always), ttl, inherited_roles, with_replication (omitempty)`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"name":"app","ttl":3600,"inherited_roles":["pg_read_all_data"]}\n',
    expect: {
      status: 200,
      operationId: "create_role",
      check: (b) =>
        assert.deepEqual([b.ttl, b.inherited_roles, b.with_replication], [3600, ["pg_read_all_data"], false]),
    },
  },
  {
    title: "pscale role create with with_replication",
    source: `${CLI} CreatePostgresRoleRequest WithReplication \`json:"with_replication,omitempty"\``,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"name":"cdc","with_replication":true}\n',
    expect: { status: 200, operationId: "create_role", check: (b) => assert.equal(b.with_replication, true) },
  },
  {
    title: "Terraform planetscale_postgres_branch_role with with_replication",
    source: `${TF}/createrole.go CreateRoleRequestBody (name, ttl, inherited_roles, with_replication; omitzero)`,
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-role","ttl":3600,"inherited_roles":["postgres"],"with_replication":true}',
    expect: {
      status: 200,
      operationId: "create_role",
      check: (b) =>
        assert.equal(b.with_replication, true, "kept, so the next plan does not replace the role"),
    },
  },
  {
    title: "pscale role update pg-app main <id> --name app-2",
    source: `${CLI} UpdatePostgresRoleRequest {name}; internal/cmd/role/update.go`,
    given: role(),
    method: "PATCH",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: '{"name":"app-2"}\n',
    expect: { status: 200, operationId: "update_role", check: (b) => assert.equal(b.name, "app-2") },
  },
  {
    title: "Terraform planetscale_postgres_branch_role rename in place",
    source: `${TF}/updaterole.go UpdateRoleRequestBody {name} (omitzero)`,
    given: role(),
    method: "PATCH",
    path: `${P}/{id}`,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-renamed"}',
    expect: { status: 200, operationId: "update_role", check: (b) => assert.equal(b.name, "tf-renamed") },
  },
  {
    title: "pscale role delete pg-app main <id> --successor postgres --force (the role owns tables)",
    source: `${CLI} DeletePostgresRoleRequest: successor in the DELETE body (omitempty); internal/cmd/role/delete.go --successor`,
    given: role({}, ["orders"]),
    method: "DELETE",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: '{"successor":"postgres"}\n',
    expect: { status: 204, operationId: "delete_role" },
  },
  {
    title: "pscale role delete pg-app main <id> --force (no successor: an empty JSON object)",
    source: `${CLI} DeletePostgresRoleRequest with every field empty: {}`,
    given: role(),
    method: "DELETE",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: { status: 204, operationId: "delete_role" },
  },
  {
    title: "Terraform planetscale_postgres_branch_role destroy with a successor",
    source: `${TF}/deleterole.go DeleteRoleRequestBody {successor} (omitzero)`,
    given: role({}, ["events"]),
    method: "DELETE",
    path: `${P}/{id}`,
    headers: TERRAFORM_JSON,
    body: '{"successor":"postgres"}',
    expect: { status: 204, operationId: "delete_role" },
  },
  {
    title: "pscale role reassign pg-app main <id> --successor postgres",
    source: `${CLI} ReassignPostgresRoleObjectsRequest {successor}; internal/cmd/role/reassign.go`,
    given: role({}, ["orders"]),
    method: "POST",
    path: `${P}/{id}/reassign`,
    headers: GO_SDK_JSON,
    body: '{"successor":"postgres"}\n',
    expect: { status: 204, operationId: "reassign_role_objects" },
  },
  {
    title: "pscale role reset pg-app main <id>",
    source: `${CLI} ResetPassword: POST …/reset with ResetPostgresRolePasswordRequest (every field json:"-": {})`,
    given: role(),
    method: "POST",
    path: `${P}/{id}/reset`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 200,
      operationId: "reset_role",
      check: (b) => assert.match(b.password, /^pscale_pw_/),
    },
  },
  {
    title: "pscale role renew pg-app main <id>",
    source: `${CLI} Renew: POST …/renew with RenewPostgresRoleRequest (every field json:"-": {})`,
    given: role({ ttl: 3600 }),
    method: "POST",
    path: `${P}/{id}/renew`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: { status: 200, operationId: "renew_role" },
  },
  {
    title: "pscale role reset-default pg-app main",
    source: `${CLI} ResetDefaultRole: POST …/roles/reset-default with ResetDefaultRoleRequest (every field json:"-": {})`,
    method: "POST",
    path: `${P}/reset-default`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 200,
      operationId: "reset_default_role",
      check: (b) => assert.match(b.username, /^postgres\./),
    },
  },
  {
    title: "older planetscale-go ResetDefaultRole: POST without a body",
    source:
      "planetscale/planetscale-go planetscale/postgres_roles.go (07ba795): newRequest(POST, …/reset-default, nil)",
    method: "POST",
    path: `${P}/reset-default`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 200, operationId: "reset_default_role" },
  },
  {
    title: "pscale role default pg-app main (the default role, without rotating it)",
    source: `${CLI} GetDefaultRole: GET …/roles/default`,
    method: "GET",
    path: `${P}/default`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "get_default_role", check: (b) => assert.equal(b.default, true) },
  },
  {
    title: "pscale role list pg-app main --status active",
    source: `${CLI} postgresRolesService.List with WithStatus (client.go), per_page 100`,
    given: role(),
    method: "GET",
    path: `${P}?per_page=100&status=active`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_roles",
      check: (b) =>
        assert.deepEqual(
          b.data.map((r: { name: string }) => r.name),
          ["app"],
        ),
    },
  },
];
