#!/usr/bin/env node
// Writes test/fixtures/planetscale-openapi.subset.json: the operations the emulator serves (its
// ROUTES, matched by method and path shape), and the components they reference, from PlanetScale's
// OpenAPI spec (Apache-2.0, as published by PlanetScale). The contract tests use it when the full
// spec (../shared/planetscale/openapi.json) is not beside the repository, and a test checks it
// still lists exactly what is served.
// Usage: node --import tsx scripts/trim-openapi.mjs [path/to/openapi.json]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROUTES } from "../emulator/router.ts";

const root = new URL("..", import.meta.url).pathname;
const source = process.argv[2] ?? join(root, "..", "shared", "planetscale", "openapi.json");
const spec = JSON.parse(readFileSync(source, "utf8"));

/** `/organizations/{organization}/x` and `organizations/:organization/x` both → `/organizations/{}/x`. */
const shape = (path) => `/${path.replace(/^\//, "")}`.replace(/\{[^}]+\}/g, "{}").replace(/:[^/]+/g, "{}");
const served = new Set(ROUTES.map((r) => `${r.method.toLowerCase()} ${shape(r.pattern)}`));

const METHODS = ["get", "put", "post", "delete", "patch"];
const paths = {};
for (const [path, item] of Object.entries(spec.paths)) {
  const kept = METHODS.filter((m) => item[m] && served.has(`${m} ${shape(path)}`));
  if (kept.length === 0) continue;
  paths[path] = Object.fromEntries(
    Object.entries(item).filter(([k]) => !METHODS.includes(k) || kept.includes(k)),
  );
}

// Keep every component reachable through $ref from the kept operations.
const components = {};
const pending = [paths];
while (pending.length > 0) {
  const node = pending.pop();
  if (Array.isArray(node)) pending.push(...node);
  else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/")) {
        const [, , kind, name] = value.split("/");
        components[kind] ??= {};
        if (!components[kind][name]) {
          components[kind][name] = spec.components[kind][name];
          pending.push(components[kind][name]);
        }
      } else pending.push(value);
    }
  }
}

const subset = {
  openapi: spec.openapi,
  info: {
    ...spec.info,
    "x-subset-of": "PlanetScale's OpenAPI spec, trimmed by scripts/trim-openapi.mjs",
    license: { name: "Apache-2.0" },
  },
  servers: spec.servers,
  paths,
  components,
};
mkdirSync(join(root, "test", "fixtures"), { recursive: true });
const out = join(root, "test", "fixtures", "planetscale-openapi.subset.json");
writeFileSync(out, `${JSON.stringify(subset, null, 1)}\n`);
console.log(`${out}: ${Object.keys(paths).length} paths, ${JSON.stringify(subset).length} bytes`);
