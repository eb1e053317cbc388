/**
 * Database requests as pscale (planetscale/cli, through planetscale-go and its own copy in
 * `internal/planetscale/databases.go`) sends them. `CreateDatabaseRequest` has an
 * `Organization string` field without a json tag, so Go's encoding/json sends it as
 * `"Organization"`; PlanetScale ignores it.
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_GET, GO_SDK_JSON, TERRAFORM_JSON } from "./case";

const P = "/organizations/acme/databases";
const CLI = "planetscale/cli internal/planetscale/databases.go CreateDatabaseRequest";
const SETTINGS =
  "planetscale/cli internal/planetscale/databases.go UpdateDatabaseSettingsRequest (pointer fields, omitempty: a flag given as false is sent); internal/cmd/database/update.go sends only the flags given";
const TF = "planetscale/terraform-provider-planetscale internal/sdk/models/operations";

export const cases: ConformanceCase[] = [
  {
    title: "pscale database create app2 (engine mysql by default)",
    source: `${CLI}: Organization (no json tag), name, kind (omitempty); internal/cmd/database/create.go --engine defaults to mysql`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"Organization":"acme","name":"app2","kind":"mysql"}\n',
    expect: { status: 201, operationId: "create_database", check: (b) => assert.equal(b.kind, "mysql") },
  },
  {
    title: "pscale database create pg2 --engine postgresql --region us-east --cluster-size PS-10",
    source: `${CLI}: field order name, notes, region, cluster_size, kind (each omitempty but name)`,
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"Organization":"acme","name":"pg2","region":"us-east","cluster_size":"PS-10","kind":"postgresql"}\n',
    expect: {
      status: 201,
      operationId: "create_database",
      check: (b) => assert.deepEqual([b.kind, b.region.slug], ["postgresql", "us-east"]),
    },
  },
  {
    title: "older pscale database create app3 --notes 'reporting'",
    source:
      "planetscale/planetscale-go planetscale/databases.go (03524fc) CreateDatabaseRequest: Organization, name, notes (omitempty), region; planetscale/cli internal/cmd/database/create.go --notes",
    method: "POST",
    path: P,
    headers: GO_SDK_JSON,
    body: '{"Organization":"acme","name":"app3","notes":"reporting"}\n',
    expect: { status: 201, operationId: "create_database" },
  },
  {
    title: "pscale database show app",
    source: "planetscale/cli internal/planetscale/databases.go databasesService.Get: GET without a body",
    method: "GET",
    path: `${P}/app`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "get_database",
      check: (b) => assert.deepEqual([b.name, b.state, b.default_branch], ["app", "ready", "main"]),
    },
  },
  {
    title:
      "pscale database update app --default-branch dev --require-approval-for-deploy=true --insights-raw-queries=false",
    source: `${SETTINGS}; field order new_name, automatic_migrations, …, default_branch`,
    method: "PATCH",
    path: `${P}/app`,
    headers: GO_SDK_JSON,
    body: '{"require_approval_for_deploy":true,"insights_raw_queries":false,"default_branch":"dev"}\n',
    expect: {
      status: 200,
      operationId: "update_database_settings",
      check: (b) => assert.deepEqual([b.require_approval_for_deploy, b.default_branch], [true, "dev"]),
    },
  },
  {
    title:
      "pscale database update app --allow-data-branching=true --allow-foreign-key-constraints=true --automatic-migrations=true --migration-framework rails --migration-table-name schema_migrations",
    source: `${SETTINGS}; internal/cmd/database/update_settings_test.go TestDatabase_UpdateSettingsCmd_VitessFlags`,
    method: "PATCH",
    path: `${P}/app`,
    headers: GO_SDK_JSON,
    body: '{"automatic_migrations":true,"migration_framework":"rails","migration_table_name":"schema_migrations","allow_data_branching":true,"allow_foreign_key_constraints":true}\n',
    expect: {
      status: 200,
      operationId: "update_database_settings",
      check: (b) =>
        assert.deepEqual(
          [b.automatic_migrations, b.migration_framework, b.migration_table_name, b.foreign_keys_enabled],
          [true, "rails", "schema_migrations", true],
        ),
    },
  },
  {
    title: "pscale database update pg-app --new-name pg-renamed",
    source: `${SETTINGS}; internal/cmd/database/update_settings_test.go TestDatabase_UpdateSettingsCmd_NewName (a Postgres database)`,
    method: "PATCH",
    path: `${P}/pg-app`,
    headers: GO_SDK_JSON,
    body: '{"new_name":"pg-renamed"}\n',
    expect: {
      status: 200,
      operationId: "update_database_settings",
      check: (b) => assert.deepEqual([b.name, b.kind], ["pg-renamed", "postgresql"]),
    },
  },
  {
    title: "pscale database read-only-regions list app",
    source:
      "planetscale/cli internal/planetscale/read_only_regions.go readOnlyRegionsService.List: GET …/databases/{db}/read-only-regions",
    method: "GET",
    path: `${P}/app/read-only-regions`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_read_only_regions",
      check: (b) => assert.deepEqual(b.data, []),
    },
  },
  {
    title: "Terraform planetscale_database_vitess create",
    source: `${TF}/createvitessdatabase.go CreateVitessDatabaseRequestBody: name, region (omitzero), cluster_size, replicas (omitzero), kind (const "mysql"); testdata/TestAccDatabaseVitessResource_Lifecycle/main.tf (cluster_size PS_10)`,
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-vitess","cluster_size":"PS_10","kind":"mysql"}',
    expect: {
      status: 201,
      operationId: "create_database",
      check: (b) => assert.deepEqual([b.kind, b.state], ["mysql", "pending"]),
    },
  },
  {
    title: "Terraform planetscale_database_postgres create (a fully qualified Postgres size)",
    source: `${TF}/createpostgresdatabase.go CreatePostgresDatabaseRequestBody: …, kind (const "postgresql"), major_version (omitzero); testdata/TestAccDatabasePostgresResource_Lifecycle/main.tf (cluster_size PS_5_AWS_X86)`,
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-pg","cluster_size":"PS_5_AWS_X86","kind":"postgresql"}',
    expect: { status: 201, operationId: "create_database", check: (b) => assert.equal(b.kind, "postgresql") },
  },
  {
    title: "Terraform planetscale_database create (Postgres, replicas a Go float64, a major version)",
    source: `${TF}/createdatabase.go CreateDatabaseRequestBody: name, region (omitzero), cluster_size (always), replicas (*float64, omitzero), kind (omitzero), major_version (omitzero); internal/provider/testdata/TestAccRolesDataSource/main.tf (kind postgresql, cluster_size PS_10_AWS_ARM)`,
    method: "POST",
    path: P,
    headers: TERRAFORM_JSON,
    body: '{"name":"tf-db","cluster_size":"PS_10_AWS_ARM","replicas":2,"kind":"postgresql","major_version":"17"}',
    expect: {
      status: 201,
      operationId: "create_database",
      check: (b) => assert.deepEqual([b.name, b.kind, b.state], ["tf-db", "postgresql", "pending"]),
    },
  },
  {
    title:
      "Terraform planetscale_database_vitess update (the current name under `name`, settings from state)",
    source: `${TF}/updatevitessdatabase.go UpdateVitessDatabaseRequestBody (name, automatic_migrations, …, pointers with omitzero); internal/provider/databasevitess_resource_sdk.go ToOperationsUpdateVitessDatabaseRequestBody`,
    method: "PATCH",
    path: `${P}/app`,
    headers: TERRAFORM_JSON,
    body: '{"name":"app","require_approval_for_deploy":false,"restrict_branch_region":false,"allow_data_branching":true,"insights_raw_queries":false,"production_branch_web_console":false}',
    expect: {
      status: 200,
      operationId: "update_database_settings",
      check: (b) => assert.equal(b.name, "app", "`name` renames nothing"),
    },
  },
  {
    title: "Terraform planetscale_database_postgres update",
    source: `${TF}/updatepostgresdatabase.go UpdatePostgresDatabaseRequestBody: name, require_approval_for_deploy, restrict_branch_region, insights_raw_queries, production_branch_web_console, default_branch`,
    method: "PATCH",
    path: `${P}/pg-app`,
    headers: TERRAFORM_JSON,
    body: '{"name":"pg-app","require_approval_for_deploy":true,"restrict_branch_region":false,"insights_raw_queries":false,"production_branch_web_console":false}',
    expect: { status: 200, operationId: "update_database_settings" },
  },
  {
    title: "Terraform planetscale_database_vitess destroy (204, as its Delete expects: 204 or 404)",
    source: `${TF}/deletevitessdatabase.go; internal/provider/databasevitess_resource.go Delete`,
    method: "DELETE",
    path: `${P}/other`,
    headers: TERRAFORM_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_database" },
  },
  {
    title: "pscale database delete other --force (a DELETE with no body)",
    source:
      "planetscale/cli internal/planetscale/databases.go databasesService.Delete: newRequest(DELETE, path, nil)",
    method: "DELETE",
    path: `${P}/other`,
    headers: GO_SDK_JSON,
    body: "",
    expect: { status: 204, operationId: "delete_database" },
  },
];
