#!/usr/bin/env node
// Runs after `npm ci` / `npm install` in this repository (npm's `prepare` hook):
// 1. builds dist/, so `npm run demo` and tests work on a fresh clone;
// 2. links node_modules/pulumi-planetscale -> .. so that the dynamic-provider host, which resolves
//    `require("pulumi-planetscale/internal/provider-runtime")` from a Pulumi project's directory,
//    finds this package when the project is the repository itself (the demo) — exactly as it finds
//    an installed copy in a user's project.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, symlinkSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const link = join(root, "node_modules", "pulumi-planetscale");
if (existsSync(join(root, "node_modules")) && !present(link)) symlinkSync("..", link, "dir");

if (existsSync(join(root, "node_modules", "typescript"))) {
  const r = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  process.exit(r.status ?? 1);
}

/** Whether anything is at `p`, a dangling link included (existsSync follows links). */
function present(p) {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
