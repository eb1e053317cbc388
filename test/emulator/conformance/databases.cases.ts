/**
 * Database requests as pscale (planetscale/cli, through planetscale-go and its own copy in
 * `internal/planetscale/databases.go`) sends them. `CreateDatabaseRequest` has an
 * `Organization string` field without a json tag, so Go's encoding/json sends it as
 * `"Organization"`; PlanetScale ignores it.
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_JSON } from "./case";

const P = "/organizations/acme/databases";
const CLI = "planetscale/cli internal/planetscale/databases.go CreateDatabaseRequest";

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
