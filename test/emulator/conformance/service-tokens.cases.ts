/**
 * Service-token requests as pscale `service-token …` commands send them through planetscale-go
 * (planetscale/planetscale-go `planetscale/service_tokens.go`, copied into planetscale/cli).
 */
import assert from "node:assert/strict";
import { type AdminApi, type ConformanceCase, GO_SDK_GET, GO_SDK_JSON } from "./case";

const T = "/organizations/acme/service-tokens";
const GO = "planetscale/planetscale-go planetscale/service_tokens.go";

/** A token made by the admin, for the cases that act on one. */
async function token(admin: AdminApi): Promise<Record<string, string>> {
  const t = await admin("POST", T, { name: "made-for-case" });
  return { id: t.body.id };
}

/** A token that already holds read_branch on app. */
async function grantedToken(admin: AdminApi): Promise<Record<string, string>> {
  const vars = await token(admin);
  await admin("POST", `${T}/${vars["id"]}/access`, {
    database: "app",
    access: ["read_branch", "create_branch"],
  });
  return vars;
}

export const cases: ConformanceCase[] = [
  {
    title: "pscale service-token create --name ci --ttl 3600",
    source: `${GO} CreateServiceTokenRequest: Name *string and TTL *int, both omitempty`,
    method: "POST",
    path: T,
    headers: GO_SDK_JSON,
    body: '{"name":"ci","ttl":3600}\n',
    expect: {
      status: 200,
      operationId: "create_service_token",
      check: (b) => {
        assert.match(b.token, /^pscale_tkn_/);
        assert.notEqual(b.expires_at, null);
      },
    },
  },
  {
    title: "pscale service-token create (no flags: an empty JSON object)",
    source: `${GO} CreateServiceTokenRequest with nil Name and TTL`,
    method: "POST",
    path: T,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 200,
      operationId: "create_service_token",
      check: (b) => assert.equal(b.expires_at, null),
    },
  },
  {
    title: "older planetscale-go Create: POST without a body",
    source:
      "planetscale/cli vendor/github.com/planetscale/planetscale-go/planetscale/service_tokens.go (2021: newRequest(POST, path, nil))",
    method: "POST",
    path: T,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 200, operationId: "create_service_token" },
  },
  {
    title: "pscale service-token list",
    source: `${GO} serviceTokenService.List`,
    method: "GET",
    path: T,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "list_service_tokens" },
  },
  {
    title: "planetscale-go serviceTokenService.Get",
    source: `${GO} serviceTokenService.Get`,
    given: token,
    method: "GET",
    path: `${T}/{id}`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "get_service_token", check: (b) => assert.equal(b.token, null) },
  },
  {
    title: "pscale service-token add-access <id> read_branch create_branch --database app",
    source: `${GO} AddServiceTokenAccessRequest {database, access}; planetscale/cli internal/cmd/token/addaccess.go`,
    given: token,
    method: "POST",
    path: `${T}/{id}/access`,
    headers: GO_SDK_JSON,
    body: '{"database":"app","access":["read_branch","create_branch"]}\n',
    expect: {
      status: 200,
      check: (b) => {
        assert.equal(b.type, "list");
        assert.deepEqual(b.data.map((a: { access: string }) => a.access).sort(), [
          "create_branch",
          "read_branch",
        ]);
        assert.equal(b.data[0].resource.name, "app");
      },
    },
  },
  {
    title:
      "pscale service-token add-access <id> create_branch_password review_deploy_request --database app (a per-PR token that creates its own Postgres role; a reviewer bot that comments)",
    source: `${GO} AddServiceTokenAccessRequest; the accesses as the spec's create_role and review_deploy_request Authorization blocks name them`,
    given: token,
    method: "POST",
    path: `${T}/{id}/access`,
    headers: GO_SDK_JSON,
    body: '{"database":"app","access":["create_branch_password","review_deploy_request"]}\n',
    expect: {
      status: 200,
      check: (b) =>
        assert.deepEqual(b.data.map((a: { access: string }) => a.access).sort(), [
          "create_branch_password",
          "review_deploy_request",
        ]),
    },
  },
  {
    title:
      'pscale service-token add-access <id> write_organization (organization level: database sent as "")',
    source: `${GO} AddServiceTokenAccessRequest; write_organization as the spec's update_organization_membership names it`,
    given: token,
    method: "POST",
    path: `${T}/{id}/access`,
    headers: GO_SDK_JSON,
    body: '{"database":"","access":["write_organization"]}\n',
    expect: {
      status: 200,
      check: (b) =>
        assert.deepEqual([b.data[0].access, b.data[0].type], ["write_organization", "OrganizationAccess"]),
    },
  },
  {
    title: 'pscale service-token add-access <id> read_databases (organization level: database sent as "")',
    source: `${GO} AddServiceTokenAccessRequest: \`json:"database"\` without omitempty`,
    given: token,
    method: "POST",
    path: `${T}/{id}/access`,
    headers: GO_SDK_JSON,
    body: '{"database":"","access":["read_databases"]}\n',
    expect: {
      status: 200,
      check: (b) =>
        assert.deepEqual([b.data[0].access, b.data[0].type], ["read_databases", "OrganizationAccess"]),
    },
  },
  {
    title: "pscale service-token show-access <id>",
    source: `${GO} serviceTokenService.GetAccess`,
    given: grantedToken,
    method: "GET",
    path: `${T}/{id}/access`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, check: (b) => assert.equal(b.data.length, 2) },
  },
  {
    title: "planetscale-go ListGrants",
    source: `${GO} serviceTokenService.ListGrants (GET …/grants)`,
    given: grantedToken,
    method: "GET",
    path: `${T}/{id}/grants`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      check: (b) => {
        assert.equal(b.data[0].resource_name, "app");
        assert.equal(b.data[0].accesses.length, 2);
      },
    },
  },
  {
    title: "pscale service-token delete-access <id> read_branch --database app (DELETE with a JSON body)",
    source: `${GO} DeleteServiceTokenAccessRequest; planetscale/cli internal/cmd/token/deleteaccess.go`,
    given: grantedToken,
    method: "DELETE",
    path: `${T}/{id}/access`,
    headers: GO_SDK_JSON,
    body: '{"database":"app","access":["read_branch"]}\n',
    expect: {
      status: 200,
      check: (b) =>
        assert.deepEqual(
          b.data.map((a: { access: string }) => a.access),
          ["create_branch"],
        ),
    },
  },
  {
    title: "pscale service-token delete <id>",
    source: `${GO} serviceTokenService.Delete (DELETE, empty body with Content-Type)`,
    given: token,
    method: "DELETE",
    path: `${T}/{id}`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_service_token" },
  },
];
