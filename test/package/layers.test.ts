// Dependencies run one way: resources → api/ → client/ → undici, and the emulator stands apart
// from the provider. Each rule below names the files it binds and the imports they may not make;
// a `require()`, a dynamic `import()` and a re-export count as imports. CONTRIBUTING.md explains
// the layers; this file is what enforces them.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, test } from "node:test";
import ts from "typescript";

const repoRoot = join(__dirname, "..", "..");

/** One import of one file: `target` is repository-relative for our files, the package name otherwise. */
interface ImportEdge {
  file: string;
  target: string;
  typeOnly: boolean;
}

const RESOURCE_FOLDERS = ["branch", "api-token", "credential", "ownership", "preflight"].map(
  (folder) => `provider/internal/${folder}/`,
);
/** The resource layer: the public classes (`provider/*.ts`) and the resource logic folders. */
const isResource = (path: string) =>
  /^provider\/[^/]+\.ts$/.test(path) || RESOURCE_FOLDERS.some((folder) => path.startsWith(folder));
const isApi = (path: string) => path.startsWith("provider/internal/api/");
const isClient = (path: string) => path.startsWith("provider/internal/client/");
const isProvider = (path: string) => path.startsWith("provider/") || path === "pulumi-planetscale";
const isEmulator = (path: string) => path.startsWith("emulator/");
const isUndici = (path: string) => path === "undici" || path.startsWith("undici/");

/** A rule: files `in` may not import what `forbidden` matches (type-only imports too, unless `valuesOnly`). */
interface LayerRule {
  name: string;
  in: (file: string) => boolean;
  forbidden: (target: string) => boolean;
  /** Only value imports break the rule: type-only imports are erased from the compiled code. */
  valuesOnly?: boolean;
}

const LAYER_RULES: LayerRule[] = [
  { name: "client/ knows HTTP only: nothing from api/", in: isClient, forbidden: isApi },
  { name: "client/ imports no resource", in: isClient, forbidden: isResource },
  { name: "api/ imports no resource", in: isApi, forbidden: isResource },
  {
    name: "only client/ speaks HTTP through undici",
    in: (file) => isProvider(file) && !isClient(file),
    forbidden: isUndici,
  },
  { name: "the emulator imports nothing from the provider", in: isEmulator, forbidden: isProvider },
  {
    name: "the serialized provider shell imports types only (DESIGN §3)",
    in: (file) => file === "provider/internal/dynamic/provider-shell.ts",
    // but for the runtime, loaded by package name when a method runs, never at serialization
    forbidden: (target) => target !== "pulumi-planetscale/internal/provider-runtime",
    valuesOnly: true,
  },
];

/**
 * Known violations another change of issue 14 is removing, as `file -> target`. Each entry names
 * its issue; the lead deletes the entry when that change lands, and the test then holds the line.
 */
const ALLOWED: { file: string; target: string; issue: number }[] = [];

/** Every import of one TypeScript file, with whether it is erased (type-only). */
function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) =>
    edges.push({ file, target: resolveTarget(file, specifier), typeOnly });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypeOnly =
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        clause?.name === undefined &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier.text, clause?.isTypeOnly === true || allNamedTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expression = node.moduleReference.expression;
      if (ts.isStringLiteral(expression)) add(expression.text, node.isTypeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === "require")) &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]!)
    ) {
      add((node.arguments[0] as ts.StringLiteralLike).text, false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal))
        add(argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** A relative specifier as a repository path (`provider/internal/api/branches`), a package name as is. */
function resolveTarget(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const path = join(dirname(file), specifier);
  for (const candidate of [`${path}.ts`, join(path, "index.ts")]) {
    if (statSync(join(repoRoot, candidate), { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return path;
}

/** The broken rules among `edges`, as readable lines. */
function violations(edges: ImportEdge[], rules: LayerRule[] = LAYER_RULES): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    if (ALLOWED.some((allowed) => allowed.file === edge.file && allowed.target === edge.target)) continue;
    for (const rule of rules) {
      if (!rule.in(edge.file) || !rule.forbidden(edge.target)) continue;
      if (rule.valuesOnly && edge.typeOnly) continue;
      out.push(
        `${edge.file} imports ${edge.target}${edge.typeOnly ? " (types)" : ""}: breaks "${rule.name}"`,
      );
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(repoRoot, path)).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("layers", () => {
  const files = [...sourceFiles("provider"), ...sourceFiles("emulator")].map((f) => relative(".", f));
  const edges = files.flatMap((file) => importsOf(file, readFileSync(join(repoRoot, file), "utf8")));

  test("every import in provider/ and emulator/ runs down the layers", () => {
    assert.ok(files.length > 50 && edges.length > 200, `read ${files.length} files, ${edges.length} imports`);
    assert.deepEqual(violations(edges), []);
  });

  test("every allowed exception still exists (delete an entry once its fix has landed)", () => {
    const stale = ALLOWED.filter(
      (allowed) => !edges.some((edge) => edge.file === allowed.file && edge.target === allowed.target),
    );
    assert.deepEqual(stale, []);
  });

  // Each rule, shown to fail on an import that breaks it (kept in the test so a rule cannot
  // silently stop matching when folders move).
  const planted: [string, string, boolean][] = [
    ["provider/internal/client/client.ts", `import { listBranches } from "../api/branches";`, true],
    ["provider/internal/client/retry.ts", `import type { BranchArgs } from "../../branch";`, true],
    ["provider/internal/api/branches.ts", `import { branchResource } from "../branch/resource";`, true],
    ["provider/internal/branch/resource.ts", `import { request } from "undici";`, true],
    ["emulator/server.ts", `import { PlanetScaleError } from "../provider/internal/client/errors";`, true],
    ["emulator/routes/branches.ts", `const errors = require("pulumi-planetscale");`, true],
    ["provider/internal/dynamic/provider-shell.ts", `import { z } from "zod";`, true],
    [
      "provider/internal/dynamic/provider-shell.ts",
      `export { ResourceKind } from "./runtime-contract";`,
      true,
    ],
    ["provider/internal/dynamic/provider-shell.ts", `import type * as pulumi from "@pulumi/pulumi";`, false],
    [
      "provider/internal/dynamic/provider-shell.ts",
      `const runtime = require("pulumi-planetscale/internal/provider-runtime");`,
      false,
    ],
    ["provider/internal/branch/resource.ts", `import { listBranches } from "../api/branches";`, false],
    ["provider/internal/api/branches.ts", `import { errorForStatus } from "../client/errors";`, false],
  ];
  for (const [file, line, breaks] of planted) {
    test(`${breaks ? "refuses" : "allows"} in ${file}: ${line}`, () => {
      assert.equal(violations(importsOf(file, line)).length > 0, breaks);
    });
  }
});
