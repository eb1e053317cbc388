/**
 * A real npm registry on loopback (Verdaccio, scripts/lib/local-registry.mjs) serving this
 * package's current tree, published from `npm pack` of the dist/ that `npm test` builds; every
 * other package is proxied from the public registry. One per test file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** An npmrc pointing npm at the registry. */
  npmrc: string;
  /** The integrity npm records for the tree's tarball. */
  integrity: string;
  stop(): Promise<void>;
}

/** Starts the registry and publishes the tree to it. */
export async function registryWithTree(): Promise<LocalRegistry> {
  const { startRegistryWithTree } = await import("../../scripts/lib/local-registry.mjs");
  return startRegistryWithTree();
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;

/**
 * Re-locks this package in the project at `dir` against `registry` (as `npm run examples:lock`
 * does) and returns what changed besides that one entry's integrity: nothing when the committed
 * package.json and lockfile are up to date.
 */
export async function exampleLockDifferences(dir: string, registry: LocalRegistry): Promise<string[]> {
  const { lockDifferences, relock } = await import("../../scripts/lib/example-lock.mjs");
  const pkg = readFileSync(join(dir, "package.json"), "utf8");
  const lock = readJson(join(dir, "package-lock.json"));
  await relock(dir, { registry: registry.url, userconfig: registry.npmrc });
  const out = lockDifferences(lock, readJson(join(dir, "package-lock.json")));
  if (JSON.stringify(JSON.parse(pkg)) !== JSON.stringify(readJson(join(dir, "package.json"))))
    out.unshift("package.json: the dependency on this package is not ^<its version>");
  return out;
}
