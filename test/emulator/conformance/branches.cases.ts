/**
 * Branch requests as pscale (planetscale/cli, through its copy of planetscale-go) and the official
 * Terraform provider (planetscale/terraform-provider-planetscale, Speakeasy-generated) send them.
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_GET, GO_SDK_JSON, TERRAFORM_JSON } from "./case";

const P = "/organizations/acme/databases/app/branches";
const GO = "planetscale/planetscale-go planetscale/branches.go";
const CLI_CREATE = "planetscale/cli internal/cmd/branch/create.go";
/** The planetscale-go file beside branches.go that defines `branchResizesAPIPath` (VTGate resizes). */
const GO_RESIZE = "planetscale/planetscale-go planetscale/ (databaseBranchesService.Resize and friends)";

export const cases: ConformanceCase[] = [
  {
    title: "pscale branch create app feat-2 (no --from: parent_branch is sent empty)",
    source: `${CLI_CREATE} defaults cluster_size to PS_DEV; ${GO} CreateDatabaseBranchRequest has \`json:"parent_branch"\` without omitempty`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"name":"feat-2","parent_branch":"","cluster_size":"PS_DEV"}\n',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => {
        assert.equal(b.parent_branch, "main", "the database's default branch");
        assert.equal(b.cluster_name, "PS_DEV");
      },
    },
  },
  {
    title: "pscale branch create pg-app feat (Postgres: the size goes as cluster_name, PS_DEV by default)",
    source: `${CLI_CREATE} defaults cluster size to PS_DEV; planetscale/cli internal/planetscale/postgres_branches.go CreatePostgresBranchRequest: region (omitempty), name, parent_branch (always), cluster_name (omitempty)`,
    method: "POST",
    path: "/organizations/acme/databases/pg-app/branches",
    headers: GO_SDK_JSON,
    body: '{"name":"feat","parent_branch":"","cluster_name":"PS_DEV"}\n',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) =>
        assert.deepEqual([b.kind, b.parent_branch, b.cluster_name], ["postgresql", "main", "PS_DEV"]),
    },
  },
  {
    title: "pscale branch create pg-app feat-2 --from dev --cluster-size PS-10 --region us-east",
    source: `${CLI_CREATE}; planetscale/cli internal/planetscale/postgres_branches.go CreatePostgresBranchRequest field order`,
    method: "POST",
    path: "/organizations/acme/databases/pg-app/branches",
    headers: GO_SDK_JSON,
    body: '{"region":"us-east","name":"feat-2","parent_branch":"dev","cluster_name":"PS-10"}\n',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => assert.deepEqual([b.parent_branch, b.cluster_name], ["dev", "PS-10"]),
    },
  },
  {
    title: "pscale branch create app feat-3 --from dev --region eu-west",
    source: `${CLI_CREATE}; ${GO} CreateDatabaseBranchRequest field order region, name, parent_branch, …`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"region":"eu-west","name":"feat-3","parent_branch":"dev","cluster_size":"PS_DEV"}\n',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => assert.deepEqual([b.parent_branch, b.region.slug], ["dev", "eu-west"]),
    },
  },
  {
    title: "pscale branch create app restored --restore bkp000000001 (cluster size spelt PS-10)",
    source: `${CLI_CREATE}: --restore defaults cluster_size to "PS-10"; ${GO} BackupID \`json:"backup_id,omitempty"\``,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"name":"restored","parent_branch":"","backup_id":"bkp000000001","cluster_size":"PS-10"}\n',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => assert.equal(b.restored_from_branch.name, "main"),
    },
  },
  {
    title: "pscale branch create app seeded --seed-data",
    source: `${CLI_CREATE}: --seed-data sets seed_data "last_successful_backup" and cluster_size "PS-10"`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"name":"seeded","parent_branch":"","seed_data":"last_successful_backup","cluster_size":"PS-10"}\n',
    expect: { status: 201, operationId: "create_branch" },
  },
  {
    title: "pscale branch show app dev",
    source: `${GO} databaseBranchesService.Get (GET, no body)`,
    method: "GET",
    path: `${P}/dev`,
    headers: GO_SDK_GET,
    body: "",
    expect: { status: 200, operationId: "get_branch", check: (b) => assert.equal(b.name, "dev") },
  },
  {
    title: "pscale branch list app",
    source: `${GO} databaseBranchesService.List: defaultListOptions(WithPerPage(100))`,
    method: "GET",
    path: `${P}?per_page=100`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_branches",
      check: (b) =>
        assert.deepEqual(b.data.map((x: { name: string }) => x.name).sort(), ["dev", "feature", "main"]),
    },
  },
  {
    title: "pscale branch update app dev --deletion-protected",
    source: `${GO} UpdateDatabaseBranchRequest: new_name omitempty, deletion_protected *bool omitempty`,
    method: "PATCH",
    path: `${P}/dev`,
    headers: GO_SDK_JSON,
    body: '{"deletion_protected":true}\n',
    expect: {
      status: 200,
      operationId: "update_branch",
      check: (b) => assert.equal(b.deletion_protected, true),
    },
  },
  {
    title: "pscale branch update app dev --new-name dev-2",
    source: `${GO} UpdateDatabaseBranchRequest`,
    method: "PATCH",
    path: `${P}/dev`,
    headers: GO_SDK_JSON,
    body: '{"new_name":"dev-2"}\n',
    expect: { status: 200, operationId: "update_branch", check: (b) => assert.equal(b.name, "dev-2") },
  },
  {
    title: "pscale branch delete app dev --delete-descendants (a DELETE with an empty JSON body)",
    source: `${GO} databaseBranchesService.Delete: delete_descendants=true query; planetscale-go client.go newRequest sends Content-Type and an empty body for non-GET requests`,
    method: "DELETE",
    path: `${P}/dev?delete_descendants=true`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_branch" },
  },
  {
    title: "pscale branch promote app dev",
    source: `${GO} databaseBranchesService.Promote (POST …/promote, no body)`,
    method: "POST",
    path: `${P}/dev/promote`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 200, operationId: "promote_branch", check: (b) => assert.equal(b.production, true) },
  },
  {
    title: "pscale branch safe-migrations enable app main",
    source: `${GO} EnableSafeMigrations (POST …/safe-migrations, no body)`,
    method: "POST",
    path: `${P}/main/safe-migrations`,
    headers: GO_SDK_JSON,
    body: "",
    expect: {
      status: 200,
      operationId: "enable_safe_migrations",
      check: (b) => assert.equal(b.safe_migrations, true),
    },
  },
  {
    title: "pscale branch safe-migrations disable app main",
    source: `${GO} DisableSafeMigrations (DELETE …/safe-migrations, no body)`,
    method: "DELETE",
    path: `${P}/main/safe-migrations`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 200, operationId: "disable_safe_migrations" },
  },
  {
    title: "planetscale-go Resize: VTGate size and count",
    source: `${GO_RESIZE} ResizeBranchRequest (every field omitempty)`,
    method: "PUT",
    path: `${P}/main/resizes`,
    headers: GO_SDK_JSON,
    body: '{"vtgate_size":"VTG_10","vtgate_count":3}\n',
    expect: {
      status: 200,
      operationId: "update_branch_resize_request",
      check: (b) => assert.deepEqual([b.state, b.vtgate_size, b.vtgate_count], ["resizing", "VTG_10", 3]),
    },
  },
  {
    title: "planetscale-go ListResizes / ResizeStatus",
    source: `${GO_RESIZE} ListResizes (GET …/resizes; ResizeStatus takes data[0] as the latest)`,
    given: async (admin) => {
      await admin("PUT", `${P}/main/resizes`, { vtgate_count: 4 });
      return {};
    },
    method: "GET",
    path: `${P}/main/resizes`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_branch_resize_requests",
      check: (b) => assert.equal(b.data[0].vtgate_count, 4),
    },
  },
  {
    title: "planetscale-go CancelResize (DELETE …/resizes, empty body)",
    source: `${GO_RESIZE} CancelResize`,
    given: async (admin) => {
      await admin("PUT", `${P}/main/resizes`, { vtgate_count: 4 });
      return {};
    },
    method: "DELETE",
    path: `${P}/main/resizes`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "cancel_branch_change_request" },
  },
  {
    title: "Terraform planetscale_vitess_branch create",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/createvitessbranch.go CreateVitessBranchRequestBody (pointer fields, omitzero)",
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-branch","parent_branch":"main","region":"us-east","cluster_size":"PS_10"}',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => assert.equal(b.cluster_name, "PS_10"),
    },
  },
  {
    title:
      "Terraform planetscale_vitess_branch create of a database's first branch (create_database_if_missing)",
    source:
      "planetscale/terraform-provider-planetscale PR #265 (v1.1.0: the branch resources create the database on first apply), schemas/overlay-terraform-vitess-branch.yaml (create_database_if_missing: true, kind); testdata/TestAccVitessBranchResource_CreatesAndDeletesDatabase/main.tf (branch main, cluster_size PS_10)",
    method: "POST",
    path: "/organizations/acme/databases/tf-made/branches",
    headers: TERRAFORM_JSON,
    body: '{"name":"main","parent_branch":"","cluster_size":"PS_10","create_database_if_missing":true,"kind":"mysql"}',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) => assert.deepEqual([b.name, b.production, b.parent_branch], ["main", true, null]),
    },
  },
  {
    title:
      "Terraform planetscale_vitess_branch destroy of a database's last branch: the database goes with it",
    source:
      'planetscale/terraform-provider-planetscale PR #265 ("delete it when the last branch is destroyed", through DELETE …/branches/{id} only: internal/provider/vitessbranch_resource.go Delete accepts 204 or 404); acceptance test TestAccVitessBranchResource_CreatesAndDeletesDatabase',
    given: async (admin) => {
      const b = await admin("POST", "/organizations/acme/databases/tf-made/branches", {
        name: "main",
        cluster_size: "PS_10",
        create_database_if_missing: true,
        kind: "mysql",
      });
      return { id: b.body.id };
    },
    method: "DELETE",
    path: "/organizations/acme/databases/tf-made/branches/{id}",
    headers: TERRAFORM_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_branch" },
  },
  {
    title: "Terraform planetscale_postgres_branch create with a size and a major version",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/createpostgresbranch.go CreatePostgresBranchRequestBody: name, parent_branch (always), backup_id, region, restore_point, cluster_size, major_version (pointers, omitzero); examples/resources/planetscale_postgres_branch/resource.tf",
    method: "POST",
    path: "/organizations/acme/databases/pg-app/branches",
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-pg","parent_branch":"main","cluster_size":"PS_5_AWS_X86","major_version":"17"}',
    expect: {
      status: 201,
      operationId: "create_branch",
      check: (b) =>
        assert.deepEqual(
          [b.kind, b.parent_branch, b.cluster_name, b.state],
          ["postgresql", "main", "PS_5_AWS_X86", "pending"],
        ),
    },
  },
  {
    title: "Terraform planetscale_postgres_branch destroy (a DELETE with no body, by public id)",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/deletepostgresbranch.go (path parameters only, no request body)",
    given: async (admin) => {
      const b = await admin("GET", "/organizations/acme/databases/pg-app/branches/dev");
      return { id: b.body.id };
    },
    method: "DELETE",
    path: "/organizations/acme/databases/pg-app/branches/{id}",
    headers: TERRAFORM_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_branch" },
  },
  {
    title: "Terraform planetscale_vitess_branch safe_migrations (after readiness)",
    source:
      "planetscale/terraform-provider-planetscale schemas/overlay-terraform-vitess-branch-safe-migrations.yaml (PUT …/safe-migrations {safe_migrations})",
    given: async (admin) => {
      const b = await admin("GET", `${P}/dev`);
      return { id: b.body.id };
    },
    method: "PUT",
    path: `${P}/{id}/safe-migrations`,
    headers: TERRAFORM_JSON,
    body: '{"safe_migrations":true}',
    expect: { status: 200, operationId: "update_safe_migrations" },
  },
  {
    title: "Terraform planetscale_vitess_branch VTGate settings unchanged after create: 204",
    source:
      "planetscale/terraform-provider-planetscale internal/sdk/models/operations/updatebranchresizerequest.go (omitzero: an unset setting is not sent); the spec's 204 'No changes to apply', which the provider skips (internal/sdk/internal/hooks/vitess_branch_no_content_skip.go)",
    given: async (admin) => {
      const b = await admin("GET", `${P}/dev`);
      return { id: b.body.id };
    },
    method: "PUT",
    path: `${P}/{id}/resizes`,
    headers: TERRAFORM_JSON,
    body: "{}",
    expect: { status: 204, operationId: "update_branch_resize_request" },
  },
  {
    title: "Terraform planetscale_vitess_branch cluster_size update (branch addressed by public id)",
    source:
      "planetscale/terraform-provider-planetscale schemas/overlay-terraform-vitess-branch.yaml: PATCH …/cluster is VitessBranch#update, x-speakeasy-match id",
    given: async (admin) => {
      const b = await admin("GET", `${P}/dev`);
      return { id: b.body.id };
    },
    method: "PATCH",
    path: `${P}/{id}/cluster`,
    headers: TERRAFORM_JSON,
    body: '{"cluster_size":"PS_20"}',
    expect: { status: 204, operationId: "update_branch_cluster_config" },
  },
];
