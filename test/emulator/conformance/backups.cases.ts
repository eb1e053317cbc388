/**
 * Backup requests as pscale (planetscale/cli `internal/planetscale/backups.go`, used by
 * `internal/cmd/backup/*.go`) and the official Terraform provider (Speakeasy-generated
 * `internal/sdk/models/operations/createbackup.go`) send them.
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_GET, GO_SDK_JSON, TERRAFORM_JSON } from "./case";

const B = "/organizations/acme/databases/app/branches/main/backups";
const CLI = "planetscale/cli internal/planetscale/backups.go";

export const cases: ConformanceCase[] = [
  {
    title: "pscale backup create app main (no flags: an empty JSON object)",
    source: `${CLI} CreateBackupRequest: name, retention_unit, retention_value, emergency, each omitempty; internal/cmd/backup/create.go`,
    method: "POST",
    path: B,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 201,
      operationId: "create_backup",
      check: (b) => assert.deepEqual([b.state, b.completed_at], ["running", null]),
    },
  },
  {
    title: "pscale backup create app main --name before-migration --retention-unit day --retention-value 7",
    source: `${CLI} CreateBackupRequest field order name, retention_unit, retention_value`,
    method: "POST",
    path: B,
    headers: GO_SDK_JSON,
    body: '{"name":"before-migration","retention_unit":"day","retention_value":7}\n',
    expect: {
      status: 201,
      operationId: "create_backup",
      check: (b) => {
        assert.equal(b.name, "before-migration");
        assert.equal(Date.parse(b.expires_at) - Date.parse(b.created_at), 7 * 86_400_000);
      },
    },
  },
  {
    title: "pscale backup create pg-app main --emergency",
    source: `${CLI} CreateBackupRequest emergency (omitempty); the spec: emergency backups are PostgreSQL only`,
    method: "POST",
    path: "/organizations/acme/databases/pg-app/branches/main/backups",
    headers: GO_SDK_JSON,
    body: '{"emergency":true}\n',
    expect: { status: 201, operationId: "create_backup" },
  },
  {
    title: "pscale backup list app main --state success",
    source: `${CLI} backupsService.List: to and state as query parameters when set, GET without a body`,
    method: "GET",
    path: `${B}?state=success`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_backups",
      check: (b) =>
        assert.deepEqual(
          b.data.map((x: { id: string }) => x.id),
          ["bkp000000001"],
        ),
    },
  },
  {
    title: "pscale backup show app main bkp000000001",
    source: `${CLI} backupsService.Get: GET …/backups/{id}`,
    method: "GET",
    path: `${B}/bkp000000001`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "get_backup", check: (b) => assert.equal(b.state, "success") },
  },
  {
    title: "pscale backup update app main bkp000000001 --protected=false (protected sent as text)",
    source: `${CLI} UpdateBackupRequest.MarshalJSON: {"protected": strconv.FormatBool(…)} ("the API ignores a JSON false")`,
    given: async (admin) => {
      await admin("PATCH", `${B}/bkp000000001`, { protected: true });
      return {};
    },
    method: "PATCH",
    path: `${B}/bkp000000001`,
    headers: GO_SDK_JSON,
    body: '{"protected":"false"}\n',
    expect: { status: 200, operationId: "update_backup", check: (b) => assert.equal(b.protected, false) },
  },
  {
    title: "pscale backup delete app main bkp000000001 --force (a DELETE with no body)",
    source: `${CLI} backupsService.Delete: newRequest(DELETE, path, nil)`,
    method: "DELETE",
    path: `${B}/bkp000000001`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_backup" },
  },
  {
    title: "Terraform planetscale_*_branch_backup create with a retention",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/createbackup.go CreateBackupRequestBody (pointers, omitzero; retention_value a float64)",
    method: "POST",
    path: B,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-backup","retention_unit":"week","retention_value":2}',
    expect: { status: 201, operationId: "create_backup" },
  },
];
