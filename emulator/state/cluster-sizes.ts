/**
 * The cluster sizes the emulator knows, per database kind, in PlanetScale's order. The
 * network-attached sizes `PS_10` … `PS_2800` and their CPU and memory are PlanetScale's SKU table
 * (planetscale.com/docs/plans/planetscale-skus), shared by Vitess and Postgres; `PS_DEV` is the
 * development size (pscale's default for `branch create`, which also hides it from
 * `size cluster list` for either engine); Postgres adds `PS_5` and the Metal sizes `M_10` …
 * `M_2560` of the same table. Rates are 0.
 */
import type { DatabaseKind } from "./records";

interface ClusterSize {
  name: string;
  cpu: string;
  ramGiB: number;
  metal?: boolean;
  /** Default `x86_64`. */
  architecture?: "x86_64" | "arm64";
}

const DEVELOPMENT: ClusterSize = { name: "PS_DEV", cpu: "1/16", ramGiB: 0.5 };

const NETWORK_ATTACHED: readonly ClusterSize[] = [
  { name: "PS_10", cpu: "1/8", ramGiB: 1 },
  { name: "PS_20", cpu: "1/4", ramGiB: 2 },
  { name: "PS_40", cpu: "1/2", ramGiB: 4 },
  { name: "PS_80", cpu: "1", ramGiB: 8 },
  { name: "PS_160", cpu: "2", ramGiB: 16 },
  { name: "PS_320", cpu: "4", ramGiB: 32 },
  { name: "PS_400", cpu: "8", ramGiB: 32 },
  { name: "PS_640", cpu: "8", ramGiB: 64 },
  { name: "PS_700", cpu: "16", ramGiB: 32 },
  { name: "PS_900", cpu: "16", ramGiB: 64 },
  { name: "PS_1280", cpu: "16", ramGiB: 128 },
  { name: "PS_1400", cpu: "32", ramGiB: 64 },
  { name: "PS_1800", cpu: "32", ramGiB: 128 },
  { name: "PS_2100", cpu: "48", ramGiB: 96 },
  { name: "PS_2560", cpu: "32", ramGiB: 256 },
  { name: "PS_2700", cpu: "48", ramGiB: 128 },
  { name: "PS_2800", cpu: "64", ramGiB: 128 },
];

/** Postgres only: the smallest size (an arm64 one, PlanetScale's pricing says) and Metal. */
const POSTGRES_ONLY_SMALLEST: ClusterSize = { name: "PS_5", cpu: "1/16", ramGiB: 0.5, architecture: "arm64" };
const METAL: readonly ClusterSize[] = [
  { name: "M_10", cpu: "1/8", ramGiB: 1, metal: true },
  { name: "M_20", cpu: "1/4", ramGiB: 2, metal: true },
  { name: "M_40", cpu: "1/2", ramGiB: 4, metal: true },
  { name: "M_80", cpu: "1", ramGiB: 8, metal: true },
  { name: "M_160", cpu: "2", ramGiB: 16, metal: true },
  { name: "M_320", cpu: "4", ramGiB: 32, metal: true },
  { name: "M_640", cpu: "8", ramGiB: 64, metal: true },
  { name: "M_1280", cpu: "16", ramGiB: 128, metal: true },
  { name: "M_2560", cpu: "32", ramGiB: 256, metal: true },
];

const SIZES: Readonly<Record<DatabaseKind, readonly ClusterSize[]>> = {
  mysql: [DEVELOPMENT, ...NETWORK_ATTACHED],
  postgresql: [DEVELOPMENT, POSTGRES_ONLY_SMALLEST, ...NETWORK_ATTACHED, ...METAL],
};

/**
 * The catalogue name of `size` for `kind`, or undefined when it is not one of its sizes. `PS-10`
 * and `PS_10` are the same size: pscale sends the hyphenated spelling when restoring (planetscale/cli
 * `internal/cmd/branch/create.go`).
 */
export function knownClusterSize(size: string, kind: DatabaseKind = "mysql"): string | undefined {
  let name = size.toUpperCase().replace(/-/g, "_");
  // Postgres sizes also go by their fully qualified SKU, cloud and architecture included: the
  // Terraform provider's acceptance tests create `PS_5_AWS_X86` databases and `PS_DEV_AWS_ARM`
  // branches (internal/provider/testdata/TestAccDatabasePostgresResource_Lifecycle/main.tf,
  // postgresbranch_resource_test.go).
  if (kind === "postgresql") name = name.replace(/_(AWS|GCP)_(X86|ARM)$/, "");
  return SIZES[kind].some((s) => s.name === name) ? name : undefined;
}

/** Every size name of `kind`, for error messages. */
export function clusterSizeNames(kind: DatabaseKind): readonly string[] {
  return SIZES[kind].map((s) => s.name);
}

/** The spec's `list_cluster_size_skus` items of `kind` (a bare array, not a list envelope). */
export function renderClusterSizes(kind: DatabaseKind, withRates: boolean): Record<string, unknown>[] {
  return SIZES[kind].map((s, i) => ({
    name: s.name,
    display_name: s.name.replace("_", "-"),
    cpu: s.cpu,
    storage: null,
    ram: Math.round(s.ramGiB * 1024 ** 3),
    metal: s.metal ?? false,
    enabled: true,
    provider: "AWS",
    default_vtgate: "VTG_5",
    default_vtgate_rate: withRates ? 0 : null,
    replica_rate: withRates ? 0 : null,
    rate: withRates ? 0 : null,
    sort_order: i,
    architecture: s.architecture ?? "x86_64",
    development: s.name === "PS_DEV",
    production: s.name !== "PS_DEV",
  }));
}
