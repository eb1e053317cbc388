// The README's reference tables, rendered from the resources' property tables. Between the
// markers `<!-- properties:NAME -->` and `<!-- /properties:NAME -->` the README holds exactly what
// `renderSection(NAME)` makes; test/provider/property-tables.test.ts fails when it does not, and
// rewrites the README when run with PULUMI_PLANETSCALE_WRITE_DOCS=1.
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { BRANCH_PROPERTIES } from "../../provider/internal/branch/properties";
import {
  BRANCH_PASSWORD_PROPERTIES,
  BRANCH_ROLE_PROPERTIES,
} from "../../provider/internal/credential/properties";
import { DATABASE_PROPERTIES } from "../../provider/internal/database/properties";
import { DEPLOY_REQUEST_PROPERTIES } from "../../provider/internal/deploy-request/properties";
import type { PropertySpec, PropertyTable } from "../../provider/internal/inputs/property-table";

/** A property with the resources it belongs to (for the credentials' shared table). */
interface Row {
  key: string;
  spec: PropertySpec;
  resource?: string;
}

function rows(table: PropertyTable): Row[] {
  return Object.entries(table).map(([key, spec]) => ({ key, spec }));
}

/** Both credential tables as one, each row naming its resource: `both`, `password` or `role`. */
function credentialRows(): Row[] {
  const password = rows(BRANCH_PASSWORD_PROPERTIES);
  const role = rows(BRANCH_ROLE_PROPERTIES);
  const roleKeys = new Set(role.map((r) => r.key));
  const merged: Row[] = password.map((r) => ({ ...r, resource: roleKeys.has(r.key) ? "both" : "password" }));
  // A role-only row goes before the next row both kinds have, as it stands in the role's table.
  role.forEach((r, i) => {
    if (merged.some((m) => m.key === r.key)) return;
    const next = role.slice(i + 1).find((later) => merged.some((m) => m.key === later.key));
    const at = next === undefined ? merged.length : merged.findIndex((m) => m.key === next.key);
    merged.splice(at, 0, { ...r, resource: "role" });
  });
  return merged;
}

/**
 * What changing an input does, for the README's "on change" and the `Args` TSDoc: its `changeDoc`,
 * else what its row says (an in-place input that makes no call says why, e.g. "used at delete").
 */
export function onChange(spec: PropertySpec): string {
  if (spec.changeDoc !== undefined) return spec.changeDoc;
  const input = spec.input;
  if (input?.change === "replace") return "replace";
  if (input?.change === "update")
    return typeof input.applied === "string" ? `in place (${input.applied})` : "in place";
  throw new Error("a `custom` input needs its `changeDoc`");
}

/** A Markdown table with its columns padded, as the README's other tables. */
function markdownTable(header: string[], body: string[][]): string {
  const cells = [header, ...body].map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  const rule = `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`;
  const [head, ...rest] = cells;
  return [line(head ?? []), rule, ...rest.map(line)].join("\n");
}

function inputsTable(all: Row[]): string {
  const inputs = all.filter((r) => r.spec.input !== undefined);
  const withResource = inputs.some((r) => r.resource !== undefined);
  const header = ["input", ...(withResource ? ["resource"] : []), "meaning", "default", "on change"];
  const body = inputs.map((r) => [
    `\`${r.key}\`${r.spec.input?.required ? " (required)" : ""}`,
    ...(withResource ? [r.resource ?? ""] : []),
    r.spec.doc,
    r.spec.defaultDoc ?? "",
    onChange(r.spec),
  ]);
  return markdownTable(header, body);
}

function outputsTable(all: Row[]): string {
  const outputs = all.filter((r) => r.spec.input === undefined);
  const withResource = outputs.some((r) => r.resource !== undefined && r.resource !== "both");
  const header = ["output", ...(withResource ? ["resource"] : []), "meaning"];
  const body = outputs.map((r) => [
    `\`${r.key}\`${r.spec.secret ? " (secret)" : ""}`,
    ...(withResource ? [r.resource ?? ""] : []),
    r.spec.doc,
  ]);
  const inputs = (kind: string) =>
    all.filter((r) => r.spec.input !== undefined && r.spec.output === kind).map((r) => `\`${r.key}\``);
  const reported = inputs("reported");
  return (
    `${markdownTable(header, body)}\n\n` +
    `Inputs exposed as outputs too: as given, ${inputs("echo").join(", ")}` +
    (reported.length > 0 ? `; as PlanetScale reports them, ${reported.join(", ")}.` : ".")
  );
}

/** Every generated section of the README, by marker name. */
export const SECTIONS: Readonly<Record<string, () => string>> = {
  "branch-inputs": () => inputsTable(rows(BRANCH_PROPERTIES)),
  "branch-outputs": () => outputsTable(rows(BRANCH_PROPERTIES)),
  "api-token-inputs": () => inputsTable(rows(API_TOKEN_PROPERTIES)),
  "api-token-outputs": () => outputsTable(rows(API_TOKEN_PROPERTIES)),
  "credential-inputs": () => inputsTable(credentialRows()),
  "credential-outputs": () => outputsTable(credentialRows()),
  "database-inputs": () => inputsTable(rows(DATABASE_PROPERTIES)),
  "database-outputs": () => outputsTable(rows(DATABASE_PROPERTIES)),
  "deploy-request-inputs": () => inputsTable(rows(DEPLOY_REQUEST_PROPERTIES)),
  "deploy-request-outputs": () => outputsTable(rows(DEPLOY_REQUEST_PROPERTIES)),
};

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- properties:${name} -->`, end: `<!-- /properties:${name} -->` };
}

/** The README with every generated section as the property tables make it now. */
export function withGeneratedSections(readme: string): string {
  let out = readme;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const { start, end } = markers(name);
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`README.md lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, from + start.length)}\n\n${render()}\n\n${out.slice(to)}`;
  }
  return out;
}
