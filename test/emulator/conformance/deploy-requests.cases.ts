/**
 * Deploy-request and branch-schema requests as pscale sends them (planetscale/cli, through its copy
 * of planetscale-go in `internal/planetscale/deploy_requests.go` and `branches.go`): the commands
 * `pscale deploy-request create/list/show/diff/deploy/close/revert/skip-revert` and
 * `pscale branch schema/lint/diff`.
 */
import assert from "node:assert/strict";
import { type AdminApi, type ConformanceCase, type ControlApi, GO_SDK_GET, GO_SDK_JSON } from "./case";

const D = "/organizations/acme/databases/app/deploy-requests";
const B = "/organizations/acme/databases/app/branches";
const GO = "planetscale/cli internal/planetscale/deploy_requests.go";
const CMD = "planetscale/cli internal/cmd/deployrequest";

/** `main` takes deploy requests (safe migrations on) and `dev` holds a new table. */
async function devWithTable(admin: AdminApi, control: ControlApi): Promise<void> {
  const safe = await admin("POST", `${B}/main/safe-migrations`);
  assert.equal(safe.status, 200);
  const ddl = await control("POST", "/_emulator/schema", {
    database: "app",
    branch: "dev",
    statements: ["CREATE TABLE orders (id bigint PRIMARY KEY, total int NOT NULL)"],
  });
  assert.equal(ddl.status, 200, JSON.stringify(ddl.body));
}

/** An open deploy request of `dev`, checked (phases take no time); returns `{number}`. */
async function openRequest(admin: AdminApi, control: ControlApi): Promise<Record<string, string>> {
  await devWithTable(admin, control);
  await control("PUT", "/_emulator/ready-delay", { ms: 0 });
  const created = await admin("POST", D, { branch: "dev" });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const number = String(created.body.number);
  assert.equal((await admin("GET", `${D}/${number}`)).body.deployment_state, "ready");
  return { number };
}

/** A deploy request deployed into `main`, in its revert window. */
async function deployedRequest(admin: AdminApi, control: ControlApi): Promise<Record<string, string>> {
  const vars = await openRequest(admin, control);
  assert.equal((await admin("POST", `${D}/${vars["number"]}/deploy`, {})).status, 200);
  assert.equal(
    (await admin("GET", `${D}/${vars["number"]}`)).body.deployment_state,
    "complete_pending_revert",
  );
  return vars;
}

export const cases: ConformanceCase[] = [
  {
    title: "pscale deploy-request create app dev (no --into: into_branch left out, notes sent empty)",
    source: `${CMD}/create.go; ${GO} CreateDeployRequestRequest: branch, into_branch (omitempty), notes (always), auto_cutover and auto_delete_branch (omitempty)`,
    given: async (admin, control) => {
      await devWithTable(admin, control);
      return {};
    },
    method: "POST",
    path: D,
    headers: GO_SDK_JSON,
    body: '{"branch":"dev","notes":""}\n',
    expect: {
      status: 201,
      operationId: "create_deploy_request",
      check: (b) => {
        assert.deepEqual([b.branch, b.into_branch, b.state], ["dev", "main", "open"]);
        assert.equal(b.deployment_state, "pending");
      },
    },
  },
  {
    title: "pscale deploy-request create app dev --into main --notes 'orders' --auto-delete-branch",
    source: `${CMD}/create.go (--into, --notes, --auto-delete-branch); ${GO} CreateDeployRequestRequest field order`,
    given: async (admin, control) => {
      await devWithTable(admin, control);
      return {};
    },
    method: "POST",
    path: D,
    headers: GO_SDK_JSON,
    body: '{"branch":"dev","into_branch":"main","notes":"orders","auto_delete_branch":true}\n',
    expect: {
      status: 201,
      operationId: "create_deploy_request",
      check: (b) => {
        assert.equal(b.notes, "orders");
        assert.equal(b.deployment.auto_delete_branch, true);
      },
    },
  },
  {
    title: "pscale deploy-request list app",
    source: `${CMD}/list.go; ${GO} List (query state, branch, into_branch only when set)`,
    given: openRequest,
    method: "GET",
    path: D,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_deploy_requests",
      check: (b) =>
        assert.deepEqual(
          b.data.map((d: { branch: string }) => d.branch),
          ["dev"],
        ),
    },
  },
  {
    title: "pscale deploy-request show app dev (a branch name: the newest deploy request of that branch)",
    source:
      "planetscale/cli internal/cmdutil DeployRequestBranchToNumber: List with Branch set, State empty; takes data[0]",
    given: openRequest,
    method: "GET",
    path: `${D}?branch=dev`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_deploy_requests",
      check: (b) => assert.equal(b.data[0].branch, "dev"),
    },
  },
  {
    title: "pscale deploy-request deploy app dev (by branch: the open one)",
    source: `${CMD}/deploy.go calls DeployRequestBranchToNumber(…, "open"); url.Values encodes keys sorted`,
    given: openRequest,
    method: "GET",
    path: `${D}?branch=dev&state=open`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_deploy_requests",
      check: (b) =>
        assert.deepEqual(
          b.data.map((d: { state: string }) => d.state),
          ["open"],
        ),
    },
  },
  {
    title: "pscale deploy-request show app 1",
    source: `${CMD}/show.go; ${GO} Get`,
    given: openRequest,
    method: "GET",
    path: `${D}/{number}`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "get_deploy_request",
      check: (b) => assert.equal(b.deployment.deploy_operations[0].table_name, "orders"),
    },
  },
  {
    title: "pscale deploy-request diff app 1 (not in the spec)",
    source: `${CMD}/diff.go prints data[].raw, colouring '+' and '-' lines; ${GO} Diff: GET …/deploy-requests/{n}/diff → {data: [{name, raw, html}]}`,
    given: openRequest,
    method: "GET",
    path: `${D}/{number}/diff`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      check: (b) => {
        assert.equal(b.data[0].name, "orders");
        assert.match(b.data[0].raw, /^\+CREATE TABLE `orders`/);
        assert.equal(typeof b.data[0].html, "string");
      },
    },
  },
  {
    title: "pscale deploy-request deploy app 1",
    source: `${CMD}/deploy.go; ${GO} PerformDeployRequest: instant_ddl (always), strategy (omitempty)`,
    given: openRequest,
    method: "POST",
    path: `${D}/{number}/deploy`,
    headers: GO_SDK_JSON,
    body: '{"instant_ddl":false}\n',
    expect: {
      status: 200,
      operationId: "queue_deploy_request",
      check: (b) => assert.equal(b.deployment_state, "queued"),
    },
  },
  {
    title: "pscale deploy-request deploy app 1 --instant",
    source: `${CMD}/deploy.go (--instant sets InstantDDL); ${GO} PerformDeployRequest`,
    given: openRequest,
    method: "POST",
    path: `${D}/{number}/deploy`,
    headers: GO_SDK_JSON,
    body: '{"instant_ddl":true}\n',
    expect: {
      status: 200,
      operationId: "queue_deploy_request",
      check: (b) => assert.equal(b.deployment.instant_ddl, true),
    },
  },
  {
    title: "pscale deploy-request close app 1",
    source: `${CMD}/close.go; ${GO} CloseDeploy sends CloseRequest {"state":"closed"} with PATCH`,
    given: openRequest,
    method: "PATCH",
    path: `${D}/{number}`,
    headers: GO_SDK_JSON,
    body: '{"state":"closed"}\n',
    expect: {
      status: 200,
      operationId: "close_deploy_request",
      check: (b) => assert.equal(b.state, "closed"),
    },
  },
  {
    title: "pscale deploy-request revert app 1",
    source: `${CMD}/revert.go; ${GO} RevertDeploy posts RevertDeployRequestRequest, whose fields are all json:"-"`,
    given: deployedRequest,
    method: "POST",
    path: `${D}/{number}/revert`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 200,
      operationId: "complete_revert",
      check: (b) => assert.equal(b.deployment_state, "in_progress_revert"),
    },
  },
  {
    title: "pscale deploy-request skip-revert app 1",
    source: `${CMD}/skiprevert.go; ${GO} SkipRevertDeploy posts SkipRevertDeployRequestRequest (all json:"-")`,
    given: deployedRequest,
    method: "POST",
    path: `${D}/{number}/skip-revert`,
    headers: GO_SDK_JSON,
    body: "{}\n",
    expect: {
      status: 200,
      operationId: "skip_revert_period",
      check: (b) => assert.deepEqual([b.deployment_state, b.state], ["complete", "closed"]),
    },
  },
  {
    title: "pscale branch schema app dev",
    source:
      "planetscale/cli internal/planetscale/branches.go databaseBranchesService.Schema (keyspace only when set)",
    given: async (admin, control) => {
      await devWithTable(admin, control);
      return {};
    },
    method: "GET",
    path: `${B}/dev/schema`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "get_branch_schema",
      check: (b) =>
        assert.deepEqual(
          b.data.map((t: { name: string }) => t.name),
          ["orders"],
        ),
    },
  },
  {
    title: "pscale branch lint app dev",
    source: "planetscale/cli internal/planetscale/branches.go LintSchema: GET …/schema/lint, reads data[]",
    given: async (admin, control) => {
      await devWithTable(admin, control);
      return {};
    },
    method: "GET",
    path: `${B}/dev/schema/lint`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "lint_branch_schema", check: (b) => assert.deepEqual(b.data, []) },
  },
  {
    title: "pscale branch diff app dev (not in the spec)",
    source:
      "planetscale/cli internal/planetscale/branches.go databaseBranchesService.Diff: GET …/branches/{b}/diff → {data: [{name, raw, html}]}",
    given: async (admin, control) => {
      await devWithTable(admin, control);
      return {};
    },
    method: "GET",
    path: `${B}/dev/diff`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      check: (b) => assert.match(b.data[0].raw, /^\+CREATE TABLE `orders`/),
    },
  },
];
