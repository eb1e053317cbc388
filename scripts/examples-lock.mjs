#!/usr/bin/env node
// `npm run examples:lock`: locks every example project (examples/*/package-lock.json) to this
// tree's tarball, published to a local registry (Verdaccio, on loopback; every other package comes
// from the registry npm is configured with). Run it when cutting a release (after the version bump)
// and when the package's own dependencies change. Only this package's lockfile entry is resolved
// again; the rest stays as committed.
//
//   npm run examples:lock                         rewrite the lockfiles
//   npm run examples:lock -- --check              fail (exit 1) if re-locking would change anything
//                                                 but this package's integrity
//   npm run examples:lock -- --check --release    ... or its integrity either: the examples lock
//                                                 exactly the tarball about to be published
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exampleProjects, lockDifferences, relock } from "./lib/example-lock.mjs";
import { startRegistryWithTree } from "./lib/local-registry.mjs";

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const { values } = parseArgs({ options: { check: { type: "boolean" }, release: { type: "boolean" } } });
const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));

execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
const registry = await startRegistryWithTree();
let failed = false;
try {
  for (const project of exampleProjects()) {
    const dir = join(root, project);
    if (!values.check) {
      await relock(dir, { registry: registry.url, userconfig: registry.npmrc });
      console.log(`${project}/package-lock.json: locked to this tree (${registry.integrity.slice(0, 20)}…)`);
      continue;
    }
    const copy = mkdtempSync(join(tmpdir(), "pps-lock-check-"));
    try {
      for (const file of ["package.json", "package-lock.json"]) cpSync(join(dir, file), join(copy, file));
      await relock(copy, { registry: registry.url, userconfig: registry.npmrc });
      const problems = lockDifferences(
        readJson(join(dir, "package-lock.json")),
        readJson(join(copy, "package-lock.json")),
        {
          ownIntegrity: values.release === true,
        },
      );
      if (
        JSON.stringify(readJson(join(dir, "package.json"))) !==
        JSON.stringify(readJson(join(copy, "package.json")))
      )
        problems.unshift("package.json: the dependency on this package is not ^<its version>");
      if (problems.length === 0) console.log(`${project}: up to date`);
      else {
        failed = true;
        console.error(`${project}: the committed lockfile is not what npm locks for this tree:`);
        for (const p of problems) console.error(`  ${p}`);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }
} finally {
  await registry.stop();
}
if (failed) {
  console.error("\nRun `npm run examples:lock` and commit the examples' package.json and package-lock.json.");
  process.exit(1);
}
