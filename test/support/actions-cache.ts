/**
 * `actions/cache` (v4) on this machine, for the test runner (test/support/runner.ts): the same
 * inputs, outputs and save rule as the action (github.com/actions/cache, src/restoreImpl.ts and
 * src/saveImpl.ts), with a directory standing in for GitHub's cache service:
 * - restore: `path` (one path in the workspace) is copied from the entry saved under `key`
 *   exactly (`cache-hit` is `'true'`), or else from the newest entry whose key starts with `key`
 *   (a partial match: `'false'`); on a miss nothing is restored and `cache-hit` stays unset;
 * - save, the action's post step (`post-if: success()`): after the job's steps, only when they
 *   all succeeded and the key was not an exact hit, under the key computed at restore; an entry
 *   is never replaced (a key is written once).
 * `restore-keys` and the other inputs are not modelled: they throw, so none is silently ignored.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ActionImplementation, StepOutcome } from "./workflow";

/** Copies a directory as the cache's archive keeps it (links, modes, times), with the system's `cp`. */
async function copyTree(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  await promisify(execFile)("cp", ["-a", `${from}/.`, to]);
}

const fail = (output: string): StepOutcome => ({ code: 1, output: `${output}\n` });
const info = (output: string): StepOutcome => ({ code: 0, output: `${output}\n` });

/** The action, with its saved entries kept under `dir` for as long as the returned function lives. */
export function actionsCache(dir: string): ActionImplementation {
  // key → the saved copy, in the order saved (the newest last).
  const entries = new Map<string, string>();
  return async (step) => {
    const unknown = Object.keys(step.with).filter((k) => k !== "path" && k !== "key");
    if (unknown.length > 0)
      throw new Error(`actions/cache: input ${unknown.join(", ")} is not modelled by the test runner`);
    const key = String(step.with["key"] ?? "");
    const path = String(step.with["path"] ?? "");
    if (key === "" || path === "")
      return fail(`Input required and not supplied: ${key === "" ? "key" : "path"}`);
    if (key.length > 512) return fail(`Key Validation Error: ${key} cannot be larger than 512 characters.`);
    if (key.includes(",")) return fail(`Key Validation Error: ${key} cannot contain commas.`);
    if (/[\n*?[\]!~]/.test(path) || path.startsWith("/"))
      throw new Error(`actions/cache: path ${path}: only one path in the workspace is modelled`);
    const target = join(step.workspace, path);
    const matched = entries.has(key) ? key : [...entries.keys()].reverse().find((k) => k.startsWith(key));
    if (matched !== undefined) await copyTree(entries.get(matched) ?? "", target);
    return {
      ...info(
        matched === undefined
          ? `Cache not found for input keys: ${key}`
          : `Cache restored from key: ${matched}`,
      ),
      // A miss leaves `cache-hit` unset, as the action does (actions/cache#1466).
      outputs: matched === undefined ? {} : { "cache-hit": String(matched === key) },
      post: async ({ succeeded }) => {
        if (!succeeded) return undefined;
        if (matched === key) return info(`Cache hit occurred on the primary key ${key}, not saving cache.`);
        if (!existsSync(target))
          return info(
            "Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.",
          );
        if (entries.has(key))
          return info(
            `Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache.`,
          );
        const saved = join(dir, String(entries.size + 1));
        await copyTree(target, saved);
        entries.set(key, saved);
        return info(`Cache saved with key: ${key}`);
      },
    };
  };
}
