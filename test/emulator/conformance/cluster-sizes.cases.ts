/**
 * `pscale size cluster list` (planetscale/cli internal/cmd/size/cluster.go): `ListClusterSKUs` with
 * `WithRates()`, and `WithPostgreSQL()` (`postgresql=true`) for `--engine postgresql`; url.Values
 * encodes the parameters in key order.
 */
import assert from "node:assert/strict";
import { type ConformanceCase, GO_SDK_GET } from "./case";

const P = "/organizations/acme/cluster-size-skus";
const CLI =
  "planetscale/cli internal/cmd/size/cluster.go and internal/planetscale/client.go (WithRates, WithPostgreSQL)";

const names = (b: Array<{ name: string }>) => b.map((s) => s.name);

export const cases: ConformanceCase[] = [
  {
    title: "pscale size cluster list (MySQL)",
    source: CLI,
    method: "GET",
    path: `${P}?rates=true`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_cluster_size_skus",
      check: (b) => assert.ok(names(b).includes("PS_10") && !names(b).includes("PS_5"), names(b).join()),
    },
  },
  {
    title: "pscale size cluster list --engine postgresql",
    source: CLI,
    method: "GET",
    path: `${P}?postgresql=true&rates=true`,
    headers: GO_SDK_GET,
    body: "",
    expect: {
      status: 200,
      operationId: "list_cluster_size_skus",
      check: (b) => assert.ok(names(b).includes("PS_5") && names(b).includes("M_10"), names(b).join()),
    },
  },
];
