// One shape for every resource (issue 27): its logic folder under provider/internal/ holds one file
// per provider method plus the protocol files, a `resource.ts` that assembles them, and no file
// over 300 lines; the public classes in provider/resources/ stay under that bound too. A folder is
// a resource's logic folder when it holds a `resource.ts`, so a new resource is held to this as
// soon as it exists.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";

const repoRoot = join(__dirname, "..", "..");

/** The most lines a file of a resource may have: past it, it holds more than one concept. */
const MAX_LINES = 300;

/** The files every resource's logic folder has: the provider methods and their assembly. */
const METHOD_FILES = ["check.ts", "diff.ts", "create.ts", "read.ts", "update.ts", "delete.ts", "resource.ts"];

interface SourceFile {
  path: string;
  text: string;
}

/** The files over {@link MAX_LINES}, as readable lines. */
function tooLong(files: readonly SourceFile[]): string[] {
  return files
    .map((file) => ({ path: file.path, lines: file.text.replace(/\n$/, "").split("\n").length }))
    .filter((file) => file.lines > MAX_LINES)
    .map((file) => `${file.path} has ${file.lines} lines (at most ${MAX_LINES}): split it by concept`);
}

/** The method files a resource's logic folder lacks, as readable lines. */
function missingMethods(folder: string, names: readonly string[]): string[] {
  return METHOD_FILES.filter((name) => !names.includes(name)).map(
    (name) => `${folder} has no ${name}: one file per provider method, as provider/internal/api-token/`,
  );
}

function tsFiles(dir: string): SourceFile[] {
  return readdirSync(join(repoRoot, dir))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => ({ path: `${dir}/${name}`, text: readFileSync(join(repoRoot, dir, name), "utf8") }));
}

/** provider/internal/<folder> for each folder holding a `resource.ts`. */
function resourceFolders(): string[] {
  const internal = "provider/internal";
  return readdirSync(join(repoRoot, internal))
    .map((name) => `${internal}/${name}`)
    .filter((dir) => statSync(join(repoRoot, dir)).isDirectory())
    .filter((dir) => statSync(join(repoRoot, dir, "resource.ts"), { throwIfNoEntry: false })?.isFile());
}

describe("one shape per resource", () => {
  const folders = resourceFolders();

  test("the resource logic folders are found (branch, api-token, credential, and any new one)", () => {
    for (const folder of ["branch", "api-token", "credential"]) {
      assert.ok(folders.includes(`provider/internal/${folder}`), folders.join(", "));
    }
  });

  test(`no file of a resource's logic or public class has more than ${MAX_LINES} lines`, () => {
    const files = [...folders, "provider/resources"].flatMap(tsFiles);
    assert.ok(files.length > 40, `read ${files.length} files`);
    assert.deepEqual(tooLong(files), []);
  });

  test("every resource's logic folder has one file per provider method and a resource.ts", () => {
    assert.deepEqual(
      folders.flatMap((folder) => missingMethods(folder, readdirSync(join(repoRoot, folder)))),
      [],
    );
  });

  // Each rule, shown to fail on a planted violation, so it cannot silently stop matching.
  test("refuses a planted 301-line file and a folder whose methods share one file", () => {
    const long = { path: "provider/internal/database/resource.ts", text: "x\n".repeat(MAX_LINES + 1) };
    const bound = { path: "provider/internal/database/read.ts", text: "x\n".repeat(MAX_LINES) };
    assert.deepEqual(tooLong([long, bound]), [
      `provider/internal/database/resource.ts has ${MAX_LINES + 1} lines (at most ${MAX_LINES}): split it by concept`,
    ]);
    assert.equal(missingMethods("provider/internal/database", ["resource.ts", "inputs.ts"]).length, 6);
  });
});
