// What `npm pack` puts in the tarball users install: every file `package.json` points at, the
// compiled code and its type declarations, and nothing that points at files left out (source maps
// are not built for the package: they would name `.ts` sources it does not ship).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

interface PackageJson {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
}

describe("the packed package", () => {
  test("holds every file package.json names, compiled code with declarations, and no source map", async () => {
    // --ignore-scripts: list what would be packed from the dist/ that `npm test` has just built.
    const packed = await runProcess("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: repoRoot,
    });
    assert.equal(packed.code, 0, packed.stderr);
    const [report] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }];
    const files = new Set(report.files.map((f) => f.path));
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as PackageJson;

    const named = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((target) =>
        typeof target === "string" ? [target] : Object.values(target),
      ),
      ...Object.values(pkg.typesVersions["*"] ?? {})
        .flat()
        .filter((target) => !target.includes("*")),
    ];
    for (const target of named) {
      assert.ok(files.has(target.replace(/^\.\//, "")), `package.json names ${target}, which is not packed`);
    }
    for (const file of files) {
      assert.ok(!file.endsWith(".map"), `${file}: a source map of sources the package does not ship`);
      assert.ok(!/(?<!\.d)\.ts$/.test(file), `${file}: TypeScript source in the package`);
      if (file.endsWith(".js")) {
        assert.ok(files.has(file.replace(/\.js$/, ".d.ts")), `${file} has no type declarations`);
        const text = readFileSync(join(repoRoot, file), "utf8");
        assert.doesNotMatch(text, /sourceMappingURL/, `${file} points at a source map`);
      }
    }
  });
});
