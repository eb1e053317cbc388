/**
 * MySQL branch password requests as pscale (planetscale/cli, through its copy of planetscale-go in
 * `internal/planetscale/passwords.go`) and the official Terraform provider send them.
 */
import assert from "node:assert/strict";
import { type AdminApi, type ConformanceCase, GO_SDK_GET, GO_SDK_JSON, TERRAFORM_JSON } from "./case";

const P = "/organizations/acme/databases/app/branches/main/passwords";
const CLI = "planetscale/cli internal/planetscale/passwords.go";
const CLI_TEST = "planetscale/cli internal/planetscale/passwords_test.go";

/** A password on `main` named `name`, with `cidrs`; its id as `{id}`. */
function password(name: string, extra: Record<string, unknown> = {}) {
  return async (admin: AdminApi) => {
    const created = await admin("POST", P, { name, ...extra });
    return { id: created.body.id as string };
  };
}

export const cases: ConformanceCase[] = [
  {
    title: "pscale password create app main ci --role reader --ttl 3600",
    source: `${CLI} DatabaseBranchPasswordRequest: role (omitempty), name (always), ttl and replica (omitempty)`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"role":"reader","name":"ci","ttl":3600}\n',
    expect: {
      status: 201,
      operationId: "create_password",
      check: (b) => assert.deepEqual([b.role, b.ttl_seconds, b.cidrs], ["reader", 3600, null]),
    },
  },
  {
    title: "Terraform planetscale_password with cidrs and direct_vtgate",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/createpassword.go CreatePasswordRequestBody (pointers and slices, omitzero)",
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-app","role":"writer","cidrs":["10.0.0.0/8","203.0.113.7"],"direct_vtgate":true}',
    expect: {
      status: 201,
      operationId: "create_password",
      check: (b) => {
        assert.deepEqual(b.cidrs, ["10.0.0.0/8", "203.0.113.7"], "kept, so the next plan shows no diff");
        assert.equal(b.direct_vtgate, true);
      },
    },
  },
  {
    title: "pscale password update app main <id> --new-name reporting --cidrs 10.0.0.0/8",
    source: `${CLI_TEST} TestPasswords_Update: PATCH …/passwords/{id} with {"name", "cidrs"}; internal/cmd/password/update.go`,
    given: password("ci", { cidrs: ["192.0.2.0/24"] }),
    method: "PATCH",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: '{"name":"reporting","cidrs":["10.0.0.0/8"]}\n',
    expect: {
      status: 200,
      operationId: "update_password",
      check: (b) => assert.deepEqual([b.name, b.cidrs, b.plain_text], ["reporting", ["10.0.0.0/8"], null]),
    },
  },
  {
    title: 'pscale password update app main <id> --cidrs "" (clears the restrictions)',
    source: `${CLI_TEST} TestPasswords_UpdateClearsCIDRs: the body is {"cidrs":[]}; update.go normalizeCIDRs`,
    given: password("ci", { cidrs: ["192.0.2.0/24"] }),
    method: "PATCH",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: '{"cidrs":[]}\n',
    expect: {
      status: 200,
      operationId: "update_password",
      check: (b) => assert.deepEqual([b.name, b.cidrs], ["ci", []]),
    },
  },
  {
    title: "pscale password list app main --status expired",
    source: `${CLI} passwordsService.List with WithStatus (client.go: the "status" query parameter), per_page 100 (internal/cmd/password/list.go)`,
    given: password("forever"),
    method: "GET",
    path: `${P}?per_page=100&status=expired`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "list_passwords", check: (b) => assert.deepEqual(b.data, []) },
  },
  {
    title: "pscale password delete app main <id> --force (a DELETE with no body)",
    source: `${CLI} passwordsService.Delete: newRequest(DELETE, path, nil)`,
    given: password("gone"),
    method: "DELETE",
    path: `${P}/{id}`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_password" },
  },
];
