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

/**
 * The rooms of the code: every folder of `provider/` and `emulator/` (a file directly in
 * `provider/` or `emulator/` belongs to the room of that name). Each names everything its files may
 * import besides their own room: other rooms and packages (`node:*` is any Node.js builtin). An
 * allow-list, so a new folder fails this test until it is listed here, and an import nobody
 * thought of is refused rather than let through.
 */
const ROOMS: Record<string, readonly string[]> = {
  // The public entry: what users import.
  provider: [
    "provider/resources",
    "provider/internal/client",
    "provider/internal/resource-errors",
    "provider/internal/error-message",
    "provider/internal/inputs",
    "provider/commands/recover",
    "provider/commands/sweep",
    "provider/commands/deploy-request",
    "provider/internal/backend",
    "node:*",
  ],
  // The public resource classes and functions: thin, loaded in every Pulumi program.
  "provider/resources": [
    "@pulumi/pulumi",
    "provider/internal/providers",
    "provider/internal/dynamic",
    "provider/internal/inputs",
    "provider/internal/resource-errors",
    "provider/internal/branch",
    "provider/internal/api-token",
    "provider/internal/credential",
    "provider/internal/database",
    "provider/internal/deploy-request",
    "provider/internal/ownership",
    "provider/internal/api",
    "provider/internal/client",
  ],
  // The operator commands (`pulumi-planetscale …`): they use the API like a resource does.
  "provider/commands/recover": [
    "provider/internal/backend",
    "provider/internal/dynamic",
    "provider/internal/database",
    "provider/internal/api",
    "provider/internal/client",
    "provider/internal/credential",
    "provider/internal/ownership",
    "provider/internal/error-message",
    "node:*",
  ],
  "provider/commands/sweep": [
    "provider/internal/api",
    "provider/internal/api-token",
    "provider/internal/backend",
    "provider/internal/client",
  ],
  "provider/commands/deploy-request": [
    "provider/internal/api",
    "provider/internal/client",
    "provider/internal/error-message",
    "node:*",
  ],
  // HTTP only: knows no PlanetScale path and no resource. The only room that speaks undici.
  "provider/internal/client": ["undici", "undici/*", "zod", "node:*"],
  // Everything PlanetScale-specific about HTTP.
  "provider/internal/api": ["provider/internal/client", "zod"],
  // The resource logic.
  "provider/internal/branch": RESOURCE_LOGIC(),
  "provider/internal/api-token": RESOURCE_LOGIC(),
  "provider/internal/credential": RESOURCE_LOGIC(),
  // A database waits for readiness on the branches' poll schedule (`branch/readiness.ts`).
  "provider/internal/database": [...RESOURCE_LOGIC(), "provider/internal/branch"],
  // A deploy is waited for on the branch readiness schedule (`branch/readiness.ts`).
  "provider/internal/deploy-request": [...RESOURCE_LOGIC(), "provider/internal/branch"],
  "provider/internal/preflight": [
    "provider/internal/api",
    "provider/internal/client",
    "provider/internal/dynamic",
  ],
  "provider/internal/ownership": [
    "provider/internal/provider-host",
    "provider/internal/api",
    "provider/internal/backend",
    "provider/internal/client",
    "provider/internal/dynamic",
    "@pulumi/pulumi",
    "node:*",
  ],
  // A Pulumi state backend read through the Pulumi CLI: every stack's holdings, locks.
  "provider/internal/backend": ["provider/internal/client", "provider/internal/dynamic", "node:*"],
  // The kit every resource shares. It imports nothing of the provider glue (`dynamic/`), which
  // imports it: the two folders imported each other until issue 27.
  "provider/internal/inputs": ["provider/internal/resource-errors", "@pulumi/pulumi", "zod"],
  "provider/internal/resource-errors": ["provider/internal/client"],
  "provider/internal/error-message": [],
  // Whether this process is the engine's provider host.
  "provider/internal/provider-host": [],
  // The dynamic-provider glue; the runtime loads each resource's logic by kind.
  "provider/internal/dynamic": [
    "provider/internal/branch",
    "provider/internal/api-token",
    "provider/internal/credential",
    "provider/internal/database",
    "provider/internal/deploy-request",
    "provider/internal/inputs",
    "provider/internal/client",
    "provider/internal/resource-errors",
    "provider/internal/error-message",
    "provider/internal/provider-host",
    "pulumi-planetscale/internal/provider-runtime",
    "@pulumi/pulumi",
    "zod",
    "node:*",
  ],
  // The shells stored in state.
  "provider/internal/providers": ["provider/internal/dynamic"],
  // A stand-in for PlanetScale: sharing code with the provider would let a bug hide on both sides.
  // Its folders run one way: entry points → pipeline, routes → http → state.
  // The entry points (index.ts, cli.ts), the server that composes the pipeline, and the router.
  emulator: ["emulator/pipeline", "emulator/routes", "emulator/http", "emulator/state", "node:*"],
  // The request pipeline's stages. The router is handed to its last stage, so no stage imports a route.
  "emulator/pipeline": ["emulator/http", "emulator/state", "zod", "node:*"],
  // One file per API object, and what several of them share.
  "emulator/routes": ["emulator/http", "emulator/state", "zod"],
  // What every stage and route shares about a request: its context, body, caller, error answers.
  "emulator/http": ["emulator/state", "zod"],
  // What the emulator keeps and the rules it keeps it by; knows nothing of HTTP.
  "emulator/state": ["zod", "node:*"],
};

/** What a resource's logic folder may import. */
function RESOURCE_LOGIC(): readonly string[] {
  return [
    "provider/internal/api",
    "provider/internal/client",
    "provider/internal/dynamic",
    "provider/internal/inputs",
    "provider/internal/ownership",
    "provider/internal/preflight",
    "provider/internal/resource-errors",
    "@pulumi/pulumi",
    "zod",
  ];
}

/** The room of a repository path (`provider/internal/api/branches.ts` → `provider/internal/api`). */
function roomOf(path: string): string {
  const parts = path.replace(/\.ts$/, "").split("/");
  // provider/internal/<folder>/…, provider/<folder>/<sub>/…, emulator/<folder>/…
  if (parts[0] === "provider" && parts[1] === "internal") return parts.slice(0, 3).join("/");
  if (parts[0] === "provider" && parts[1] === "commands") {
    return parts.length > 3 ? parts.slice(0, 3).join("/") : "provider";
  }
  if (parts[0] === "provider" || parts[0] === "emulator") {
    return parts.length > 2 ? parts.slice(0, 2).join("/") : (parts[0] as string);
  }
  return path;
}

/** What an import target is, for the allow-list: a room, a builtin or a package. */
function targetName(target: string): string {
  if (target.startsWith("provider/") || target.startsWith("emulator/")) return roomOf(target);
  if (target.startsWith("node:")) return "node:*";
  return target;
}

function allowedIn(room: string, target: string): boolean {
  const name = targetName(target);
  if (name === room) return true;
  const allowed = ROOMS[room] ?? [];
  return allowed.some(
    (entry) => entry === name || (entry.endsWith("/*") && name.startsWith(entry.slice(0, -1))),
  );
}

/** A rule about single files, beyond their room's allow-list. */
interface FileRule {
  name: string;
  in: (file: string) => boolean;
  forbidden: (target: string) => boolean;
  /** Only value imports break the rule: type-only imports are erased from the compiled code. */
  valuesOnly?: boolean;
}

const FILE_RULES: FileRule[] = [
  {
    name: "the serialized provider shell imports types only (DESIGN §3)",
    in: (file) => file === "provider/internal/dynamic/provider-shell.ts",
    // but for the runtime, loaded by package name when a method runs, never at serialization
    forbidden: (target) => target !== "pulumi-planetscale/internal/provider-runtime",
    valuesOnly: true,
  },
];

/**
 * Known violations another change is removing, as `file -> target`. Each entry names its issue;
 * the entry is deleted when that change lands, and the test then holds the line.
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

/** The imports among `edges` that their room does not allow, or that break a file rule, as readable lines. */
function violations(edges: ImportEdge[]): string[] {
  const out: string[] = [];
  for (const edge of edges) {
    if (ALLOWED.some((allowed) => allowed.file === edge.file && allowed.target === edge.target)) continue;
    const room = roomOf(edge.file);
    if (!(room in ROOMS)) out.push(`${edge.file}: its folder ${room} is not a room of ROOMS in this test`);
    else if (!allowedIn(room, edge.target)) {
      out.push(
        `${edge.file} imports ${edge.target}${edge.typeOnly ? " (types)" : ""}: ${room} may not import ${targetName(edge.target)}`,
      );
    }
    for (const rule of FILE_RULES) {
      if (!rule.in(edge.file) || !rule.forbidden(edge.target)) continue;
      if (rule.valuesOnly && edge.typeOnly) continue;
      out.push(
        `${edge.file} imports ${edge.target}${edge.typeOnly ? " (types)" : ""}: breaks "${rule.name}"`,
      );
    }
  }
  return out;
}

/**
 * A chain of imports among the files `inScope` accepts that leads back to where it started (type
 * imports count: a cycle of types is still two files that cannot be read one without the other),
 * or undefined when there is none.
 */
function importCycle(edges: ImportEdge[], inScope: (file: string) => boolean): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    if (!inScope(edge.file) || !inScope(edge.target)) continue;
    next.set(edge.file, [...(next.get(edge.file) ?? []), edge.target]);
  }
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    const seen = path.indexOf(file);
    if (seen !== -1) return [...path.slice(seen), file];
    if (done.has(file)) return undefined;
    for (const target of next.get(file) ?? []) {
      const cycle = visit(target, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    return undefined;
  };
  for (const file of next.keys()) {
    const cycle = visit(file, []);
    if (cycle) return cycle;
  }
  return undefined;
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

  test("no two emulator files import each other, directly or through others", () => {
    const inEmulator = (file: string) => file.startsWith("emulator/");
    assert.equal(importCycle(edges, inEmulator)?.join(" → "), undefined);
    const planted: ImportEdge[] = [
      { file: "emulator/pipeline/control.ts", target: "emulator/server.ts", typeOnly: true },
      { file: "emulator/server.ts", target: "emulator/pipeline/control.ts", typeOnly: false },
    ];
    assert.deepEqual(
      new Set(importCycle([...edges, ...planted], inEmulator)),
      new Set(["emulator/pipeline/control.ts", "emulator/server.ts"]),
    );
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
    ["provider/internal/client/retry.ts", `import type { BranchArgs } from "../../resources/branch";`, true],
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
    // Found by planting imports into the deny-list this test replaced (issue 27): each passed there.
    ["provider/internal/api/branches.ts", `import { x } from "../database/resource";`, true],
    ["provider/internal/client/client.ts", `import { check } from "../dynamic/provider-runtime";`, true],
    ["provider/internal/api/branches.ts", `import { recover } from "../../commands/recover/recover";`, true],
    // The emulator's folders run one way (issue 27: control.ts and server.ts imported each other).
    ["emulator/pipeline/control.ts", `import type { EmulatorCore } from "../server";`, true],
    ["emulator/pipeline/route.ts", `import { match } from "../router";`, true],
    ["emulator/routes/branches.ts", `import { respond } from "../pipeline/respond";`, true],
    ["emulator/http/context.ts", `import { renderBranch } from "../routes/serialize";`, true],
    ["emulator/state/store.ts", `import { ApiError } from "../http/errors";`, true],
    ["emulator/server.ts", `import { route } from "./pipeline/route";`, false],
    ["emulator/routes/branches.ts", `import { addBranch } from "../state/branches";`, false],
    // The input kit and the provider glue imported each other (issue 27): only dynamic/ → inputs/ now.
    ["provider/internal/inputs/known-inputs.ts", `import { isUnknown } from "../dynamic/naming";`, true],
    [
      "provider/internal/inputs/organization.ts",
      `import type { ProviderContext } from "../dynamic/resource-implementation";`,
      true,
    ],
    ["provider/internal/dynamic/naming.ts", `import { isUnknown } from "../inputs/unknown";`, false],
    // A new folder is refused until it is given a room with its allow-list.
    ["provider/internal/new-resource/create.ts", `import { getBranch } from "../api/branches";`, true],
  ];
  test("every room is a folder that exists (delete a room when its folder goes)", () => {
    const rooms = new Set(files.map(roomOf));
    assert.deepEqual(
      Object.keys(ROOMS).filter((room) => !rooms.has(room)),
      [],
    );
  });

  // Every room refuses an import of a room it does not list, and an unknown package.
  for (const room of Object.keys(ROOMS)) {
    const file = files.find((f) => roomOf(f) === room) ?? `${room}/planted.ts`;
    const stranger = room.startsWith("emulator") ? "provider/internal/client/errors" : "emulator/server";
    for (const target of [stranger, "left-pad"]) {
      test(`the ${room} room refuses an import of ${target}`, () => {
        assert.notEqual(violations([{ file, target, typeOnly: false }]).length, 0);
      });
    }
  }

  for (const [file, line, breaks] of planted) {
    test(`${breaks ? "refuses" : "allows"} in ${file}: ${line}`, () => {
      assert.equal(violations(importsOf(file, line)).length > 0, breaks);
    });
  }
});
