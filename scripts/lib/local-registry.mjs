// A real npm registry on loopback (Verdaccio), for installing this package the way a user does:
// from a registry, by name and version, checked against the lockfile's integrity. This package is
// published to it from `npm pack`; every other package is proxied from the registry npm is
// configured with (the public one by default), so what those resolve to is what users get.
// Used by `npm run examples:lock` and by the tests that run the examples (test/support/registry.ts).
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";

const require = createRequire(import.meta.url);
const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** The package's own name and version, from package.json. */
export function ownPackage() {
  const { name, version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return { name, version };
}

/** The registry npm uses here (what the local registry proxies), with a trailing slash. */
export function upstreamRegistry() {
  const configured = process.env.npm_config_registry || process.env.NPM_CONFIG_REGISTRY;
  const url = configured || "https://registry.npmjs.org/";
  return url.endsWith("/") ? url : `${url}/`;
}

/**
 * The environment variable that names a tarball `npm test` packed once for the whole run, after
 * its build (`packForRun` in test-files.mjs): five test files install the package, and each
 * `npm pack` cost ~2.3 CPU-s.
 */
export const PACKED_TARBALL = "PULUMI_PLANETSCALE_PACKED_TARBALL";

/**
 * Packs this repository as `npm pack` does for `npm publish` (from the dist/ already built: run
 * `npm run build` first) into `dir`; returns the tarball's path. Within `npm test`, a copy of the
 * run's tarball ({@link PACKED_TARBALL}), packed from the same build.
 */
export function packTree(dir) {
  const packed = process.env[PACKED_TARBALL];
  if (packed) {
    const copy = join(dir, basename(packed));
    copyFileSync(packed, copy);
    return copy;
  }
  const out = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], {
    cwd: root,
    encoding: "utf8",
  });
  return join(dir, out.trim().split("\n").pop());
}

/**
 * Starts Verdaccio on 127.0.0.1 (a free port), with its storage in a new temporary directory.
 * `own` names the packages served only from this registry (published here, never proxied), by
 * default this one. Resolves with its URL (trailing slash), the npmrc text that authenticates a
 * publish, `publish(tarball)` and `stop()` (which removes the storage).
 */
export async function startLocalRegistry({ own = [ownPackage().name], uplink = upstreamRegistry() } = {}) {
  const { runServer } = require("verdaccio");
  const dir = mkdtempSync(join(tmpdir(), "pps-registry-"));
  const packages = {};
  for (const name of own) packages[name] = { access: "$all", publish: "$all", unpublish: "$all" };
  packages["**"] = { access: "$all", publish: "$authenticated", proxy: "upstream" };
  const server = await runServer({
    self_path: dir,
    storage: join(dir, "storage"),
    uplinks: { upstream: { url: uplink, timeout: "60s", max_fails: 4, fail_timeout: "10s" } },
    packages,
    auth: { htpasswd: { file: join(dir, "htpasswd"), max_users: -1 } },
    // Errors only: a registry that answers every request would bury a test's own output.
    log: { type: "stdout", format: "pretty", level: "error" },
    web: { enable: false },
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}/`;
  // npm refuses to publish without a token for the registry; anyone may publish `own` here.
  const npmrc = join(dir, "npmrc");
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=local-registry\n`);
  return {
    url,
    /** An npmrc (`--userconfig`) pointing at this registry, with a token that may publish. */
    npmrc,
    /**
     * Publishes a tarball from `npm pack`. Asynchronous, as everything that talks to the registry
     * must be: it answers from this process.
     */
    async publish(tarball) {
      await run(
        "npm",
        [
          "publish",
          tarball,
          "--registry",
          url,
          "--userconfig",
          npmrc,
          "--ignore-scripts",
          "--loglevel=error",
        ],
        { cwd: dir },
      );
    },
    async stop() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a local registry with this repository's current tree published to it (packed from dist/,
 * so build first). Resolves with the registry and the tarball's integrity as npm records it.
 */
export async function startRegistryWithTree() {
  const registry = await startLocalRegistry();
  try {
    const packDir = join(registry.npmrc, "..", "pack");
    mkdirSync(packDir, { recursive: true });
    const tarball = packTree(packDir);
    await registry.publish(tarball);
    const { name, version } = ownPackage();
    const meta = await (await fetch(`${registry.url}${name}`)).json();
    const integrity = meta.versions?.[version]?.dist?.integrity;
    if (typeof integrity !== "string") throw new Error(`the local registry does not list ${name}@${version}`);
    return { ...registry, integrity };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

/**
 * Runs a command without blocking this process (the registry answers from it); rejects with the
 * command's stderr when it fails.
 */
export async function run(command, args, options = {}) {
  try {
    return await promisify(execFile)(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    throw new Error(`${command} ${args[0]} failed: ${error.stderr || error.message}`);
  }
}
