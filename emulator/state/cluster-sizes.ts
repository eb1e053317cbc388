/**
 * The Vitess cluster sizes the emulator knows, in PlanetScale's order: `PS_DEV` for development
 * branches, then the production sizes PlanetScale's docs and clients list (`PS_10` … `PS_2800`).
 * CPU and memory are plausible figures, not PlanetScale's price list.
 */
interface ClusterSize {
  name: string;
  cpu: string;
  ramGiB: number;
}

const SIZES: readonly ClusterSize[] = [
  { name: "PS_DEV", cpu: "1/16", ramGiB: 0.5 },
  { name: "PS_10", cpu: "1/8", ramGiB: 1 },
  { name: "PS_20", cpu: "1/4", ramGiB: 2 },
  { name: "PS_40", cpu: "1/2", ramGiB: 4 },
  { name: "PS_80", cpu: "1", ramGiB: 8 },
  { name: "PS_160", cpu: "2", ramGiB: 16 },
  { name: "PS_320", cpu: "4", ramGiB: 32 },
  { name: "PS_400", cpu: "8", ramGiB: 32 },
  { name: "PS_640", cpu: "8", ramGiB: 64 },
  { name: "PS_700", cpu: "16", ramGiB: 64 },
  { name: "PS_900", cpu: "16", ramGiB: 96 },
  { name: "PS_1280", cpu: "16", ramGiB: 128 },
  { name: "PS_1400", cpu: "32", ramGiB: 128 },
  { name: "PS_1800", cpu: "32", ramGiB: 192 },
  { name: "PS_2100", cpu: "48", ramGiB: 192 },
  { name: "PS_2560", cpu: "32", ramGiB: 256 },
  { name: "PS_2700", cpu: "64", ramGiB: 256 },
  { name: "PS_2800", cpu: "48", ramGiB: 384 },
];

/**
 * The catalogue name of `size`, or undefined when it is not a known size. `PS-10` and `PS_10` are
 * the same size: pscale sends the hyphenated spelling when restoring (planetscale/cli
 * `internal/cmd/branch/create.go`).
 */
export function knownClusterSize(size: string): string | undefined {
  const name = size.toUpperCase().replace(/-/g, "_");
  return SIZES.some((s) => s.name === name) ? name : undefined;
}

/** Every known size name, for error messages. */
export const CLUSTER_SIZE_NAMES: readonly string[] = SIZES.map((s) => s.name);

/** The spec's `list_cluster_size_skus` items (a bare array, not a list envelope). */
export function renderClusterSizes(withRates: boolean): Record<string, unknown>[] {
  return SIZES.map((s, i) => ({
    name: s.name,
    display_name: s.name.replace("_", "-"),
    cpu: s.cpu,
    storage: null,
    ram: Math.round(s.ramGiB * 1024 ** 3),
    metal: false,
    enabled: true,
    provider: "AWS",
    default_vtgate: "VTG_5",
    default_vtgate_rate: withRates ? 0 : null,
    replica_rate: withRates ? 0 : null,
    rate: withRates ? 0 : null,
    sort_order: i,
    architecture: "x86_64",
    development: s.name === "PS_DEV",
    production: s.name !== "PS_DEV",
  }));
}
