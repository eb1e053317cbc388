import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as pkg from "../../provider/index";
import * as clientErrors from "../../provider/internal/client/errors";
import * as resourceErrors from "../../provider/internal/resource-errors";

type ErrorClass = { name: string; code: string; prototype: unknown };

/** The error classes among a module's exports (the base class and its subclasses). */
function errorClasses(module: Record<string, unknown>): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== "function") continue;
    const candidate = value as unknown as ErrorClass;
    if (value !== pkg.PlanetScaleError && !(candidate.prototype instanceof pkg.PlanetScaleError)) continue;
    found.set(name, candidate.code);
  }
  return found;
}

/** `| \`Class\` | \`CODE\` | what to do |` rows of the README's "Errors" section. */
function readmeRows(): Map<string, string> {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const start = readme.indexOf("\n## Errors\n");
  assert.notEqual(start, -1, 'README.md has no "## Errors" section');
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const match = /^\|\s*`(\w+)`\s*\|\s*`(\w+)`\s*\|(.*)\|\s*$/.exec(line);
    if (!match) continue;
    const [, name = "", code = "", advice = ""] = match;
    assert.ok(!rows.has(name), `README.md lists ${name} twice`);
    assert.ok(advice.trim().length > 0, `README.md says nothing to do about ${name}`);
    rows.set(name, code);
  }
  return rows;
}

describe("the README's Errors table", () => {
  const exported = errorClasses(pkg);
  const rows = readmeRows();

  test("has a row with the right code for every error class the package exports", () => {
    for (const [name, code] of exported) {
      assert.equal(rows.get(name), code, `README.md "Errors" has no row \`${name}\` | \`${code}\``);
    }
  });

  test("names only classes the package exports", () => {
    for (const name of rows.keys()) {
      assert.ok(
        exported.has(name),
        `README.md "Errors" lists ${name}, which pulumi-planetscale does not export`,
      );
    }
  });

  test("covers every error class the provider defines: all are exported", () => {
    for (const module of [clientErrors, resourceErrors]) {
      for (const name of errorClasses(module).keys()) {
        assert.ok(exported.has(name), `${name} is defined but not exported from pulumi-planetscale`);
      }
    }
  });

  test("gives every class its own code", () => {
    const codes = [...exported.values()];
    assert.equal(new Set(codes).size, codes.length, `duplicate codes: ${codes.join(", ")}`);
  });
});
