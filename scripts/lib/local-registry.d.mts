/** Types of scripts/lib/local-registry.mjs, for the tests that install from a local registry. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** An npmrc pointing at the registry, with a token that may publish. */
  npmrc: string;
  publish(tarball: string): Promise<void>;
  stop(): Promise<void>;
}
export function ownPackage(): { name: string; version: string };
export function upstreamRegistry(): string;
export const PACKED_TARBALL: string;
export function packTree(dir: string): string;
export function startLocalRegistry(options?: { own?: string[]; uplink?: string }): Promise<LocalRegistry>;
export function startRegistryWithTree(): Promise<LocalRegistry & { integrity: string }>;
export function run(
  command: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<{ stdout: string; stderr: string }>;
