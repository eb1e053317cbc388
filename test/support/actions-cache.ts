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
 *
 * Entries are saved and restored as hard links, not copies: copying an example's `node_modules`
 * (20,000 files) cost ~2 CPU-s per job. A link is a copy only while nobody writes into the restored
 * files in place (npm replaces files, it does not rewrite them), so every restore first checks that
 * the entry is still exactly what was saved, and fails naming the file a job changed.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ActionImplementation, StepOutcome } from "./workflow";

/** Links a directory's files into `to` as the cache's archive keeps them (links, modes, times). */
async function linkTree(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  await promisify(execFile)("cp", ["-al", `${from}/.`, to]);
}

/**
 * Every entry of a tree with what a write in place changes: type, size, modification time and
 * permissions, or a link's target. `find` lists them (a record of path and facts, each ended by a
 * NUL): 20,000 `lstat`s made from JavaScript cost the test process ~0.7 CPU-s per check.
 */
async function treeManifest(dir: string): Promise<Map<string, string>> {
  const { stdout } = await promisify(execFile)(
    "find",
    [dir, "-mindepth", "1", "-printf", "%P\\0%y %s %T@ %m %l\\0"],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const fields = stdout.split("\0");
  const manifest = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) manifest.set(fields[i] ?? "", fields[i + 1] ?? "");
  return manifest;
}

/** The first difference between two manifests of a tree, or undefined when they agree. */
function firstChange(saved: Map<string, string>, now: Map<string, string>): string | undefined {
  for (const [name, what] of saved) if (now.get(name) !== what) return name;
  for (const name of now.keys()) if (!saved.has(name)) return name;
  return undefined;
}

const fail = (output: string): StepOutcome => ({ code: 1, output: `${output}\n` });
const info = (output: string): StepOutcome => ({ code: 0, output: `${output}\n` });

/** The action, with its saved entries kept under `dir` for as long as the returned function lives. */
export function actionsCache(dir: string): ActionImplementation {
  // key → the saved entry and its manifest, in the order saved (the newest last).
  const entries = new Map<string, { dir: string; manifest: Map<string, string> }>();
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
    const entry = matched === undefined ? undefined : entries.get(matched);
    if (entry !== undefined) {
      const changed = firstChange(entry.manifest, await treeManifest(entry.dir));
      if (changed !== undefined)
        throw new Error(
          `actions/cache: ${join(path, changed)}, restored from key ${matched}, was changed in place by a job; the test runner restores entries as hard links, so a job must replace such a file, not write into it`,
        );
      await linkTree(entry.dir, target);
    }
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
        await linkTree(target, saved);
        entries.set(key, { dir: saved, manifest: await treeManifest(saved) });
        return info(`Cache saved with key: ${key}`);
      },
    };
  };
}
