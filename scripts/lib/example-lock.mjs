// The examples' lockfiles and this package's entry in them. Each example under examples/ is a
// complete project with its own package-lock.json, which depends on this package from a registry
// like a user's project does. The entry `node_modules/pulumi-planetscale` records the integrity of
// a tarball, and a tarball changes with every change of the source, so that one entry is rewritten
// by npm itself (`npm install --package-lock-only` with the entry removed), against a registry that
// serves the tarball: the public one once it is released, a local one (Verdaccio) for the current
// tree. Everything else in the lockfile must stay as committed. See CONTRIBUTING.md, "Examples".
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ownPackage, run } from "./local-registry.mjs";

const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** This package's entry in an example's lockfile. */
export const OWN_ENTRY = `node_modules/${ownPackage().name}`;

/** Every example project (a folder of examples/ with a package.json), repository-relative. */
export function exampleProjects() {
  return readdirSync(join(root, "examples"))
    .map((name) => join("examples", name))
    .filter((dir) => existsSync(join(root, dir, "package.json")))
    .sort();
}

const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/**
 * Re-locks this package in the project at `dir`: the dependency becomes `^<version>` of
 * package.json, its lockfile entry is removed and npm resolves it again from `registry`, leaving
 * every other entry as it was (npm keeps what the lockfile already satisfies). Lockfiles are
 * written without `resolved` URLs, so they install from whichever registry the user's npm uses.
 */
export async function relock(dir, { registry, userconfig }) {
  const { name, version } = ownPackage();
  const pkgFile = join(dir, "package.json");
  const pkg = readJson(pkgFile);
  pkg.dependencies = { ...pkg.dependencies, [name]: `^${version}` };
  writeJson(pkgFile, pkg);
  const lockFile = join(dir, "package-lock.json");
  if (existsSync(lockFile)) {
    const lock = readJson(lockFile);
    delete lock.packages?.[OWN_ENTRY];
    writeJson(lockFile, lock);
  }
  await run(
    "npm",
    [
      "install",
      "--package-lock-only",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      "--omit-lockfile-registry-resolved",
      "--loglevel=error",
      "--registry",
      registry,
      ...(userconfig ? ["--userconfig", userconfig] : []),
    ],
    { cwd: dir },
  );
}

/**
 * What differs between two lockfiles (`committed` and a re-locked one), entry by entry: one line
 * per differing entry. This package's `integrity` is left out unless `ownIntegrity` (it changes
 * with every source change; see the file comment).
 */
export function lockDifferences(committed, relocked, { ownIntegrity = false } = {}) {
  const strip = (lock) => {
    const copy = structuredClone(lock);
    if (!ownIntegrity && copy.packages?.[OWN_ENTRY]) delete copy.packages[OWN_ENTRY].integrity;
    return copy;
  };
  const a = strip(committed);
  const b = strip(relocked);
  const out = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (key !== "packages" && JSON.stringify(a[key]) !== JSON.stringify(b[key])) out.push(`"${key}" differs`);
  }
  const pa = a.packages ?? {};
  const pb = b.packages ?? {};
  for (const entry of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
    if (!(entry in pa)) out.push(`${entry || "(root)"}: missing from the committed lockfile`);
    else if (!(entry in pb)) out.push(`${entry || "(root)"}: no longer needed`);
    else if (JSON.stringify(pa[entry]) !== JSON.stringify(pb[entry])) {
      const fields = [...new Set([...Object.keys(pa[entry]), ...Object.keys(pb[entry])])].filter(
        (f) => JSON.stringify(pa[entry][f]) !== JSON.stringify(pb[entry][f]),
      );
      out.push(`${entry || "(root)"}: ${fields.join(", ")} differ`);
    }
  }
  return out;
}
