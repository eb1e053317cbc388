/**
 * Postgres branch change requests and parameters as pscale sends them (planetscale/cli
 * `internal/planetscale/postgres_branches.go`: `ResizePostgresBranchRequest` with cluster_size,
 * replicas (a pointer) and parameters, each omitempty; `ListChanges`, `GetChange`, `CancelChanges`,
 * `ListParameters` with its `extension`/`internal` filters).
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_GET, GO_SDK_JSON } from "./case";

const B = "/organizations/acme/databases/pg-app/branches/main";
const GO = "planetscale/cli internal/planetscale/postgres_branches.go";

export const cases: ConformanceCase[] = [
  {
    title: "pscale Postgres branch resize: a fully qualified size and a replica count",
    source: `${GO} ResizePostgresBranchRequest ("the fully-qualified cluster size SKU name … e.g. PS_10_GCP_X86"), postgresBranchesService.Resize: PATCH …/changes`,
    method: "PATCH",
    path: `${B}/changes`,
    headers: GO_SDK_JSON,
    body: '{"cluster_size":"PS_20_AWS_X86","replicas":1}\n',
    expect: {
      status: 200,
      operationId: "update_branch_change_request",
      check: (b) => assert.deepEqual([b.state, b.cluster_name, b.replicas], ["resizing", "PS_20_AWS_X86", 1]),
    },
  },
  {
    title: "pscale Postgres branch parameters change (values as text, nested by namespace)",
    source: `${GO} ResizePostgresBranchRequest.Parameters map[string]map[string]string ("e.g. {\\"pgconf\\": {\\"max_connections\\": \\"200\\"}}")`,
    method: "PATCH",
    path: `${B}/changes`,
    headers: GO_SDK_JSON,
    body: '{"parameters":{"pgconf":{"max_connections":"200"}}}\n',
    expect: {
      status: 200,
      operationId: "update_branch_change_request",
      check: (b) => assert.deepEqual(b.parameters, { pgconf: { max_connections: "200" } }),
    },
  },
  {
    title: "pscale Postgres branch parameters change refused: the parameter errors body planetscale-go reads",
    source:
      'planetscale/planetscale-go planetscale/client.go parameterErrorsToError: {"errors":[{"namespace":"pgconf","name":"max_connections","errors":["..."]}]} from the branch changes endpoint',
    method: "PATCH",
    path: `${B}/changes`,
    headers: GO_SDK_JSON,
    body: '{"parameters":{"pgconf":{"max_connections":"1"}}}\n',
    expect: {
      status: 422,
      check: (b) =>
        assert.deepEqual([b.errors[0].namespace, b.errors[0].name], ["pgconf", "max_connections"]),
    },
  },
  {
    title: "pscale Postgres branch changes list and show",
    source: `${GO} postgresBranchesService.ListChanges (GET …/changes), GetChange (GET …/changes/{id})`,
    given: async (admin) => {
      const c = await admin("PATCH", `${B}/changes`, { replicas: 1 });
      return { id: c.body.id };
    },
    method: "GET",
    path: `${B}/changes/{id}`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "get_branch_change_request" },
  },
  {
    title: "pscale Postgres branch changes cancel (DELETE …/changes without a body)",
    source: `${GO} postgresBranchesService.CancelChanges: "cancels the queued change requests"; not in the spec`,
    given: async (admin) => {
      await admin("PATCH", `${B}/changes`, { replicas: 1 });
      return {};
    },
    method: "DELETE",
    path: `${B}/changes`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204 },
  },
  {
    title: "pscale Postgres branch parameters list --extension=false",
    source: `${GO} postgresBranchesService.ListParameters: extension and internal as query parameters when set; "a bare JSON array rather than a {data: [...]} envelope"`,
    method: "GET",
    path: `${B}/parameters?extension=false`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_parameters",
      check: (b) => assert.ok(b.some((p: { name: string }) => p.name === "max_connections")),
    },
  },
];
