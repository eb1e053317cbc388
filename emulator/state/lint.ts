/**
 * PlanetScale's schema lint (`lint_branch_schema`, and a deploy request's `lint_errors`, which make
 * it not deployable), for the checks its documentation names: "Missing unique keys" and "Invalid
 * charsets (PlanetScale supports utf8, utf8mb4, utf8mb3, latin1, and ascii)" (planetscale.com/docs,
 * "Deploy requests"), and InnoDB, the only engine Vitess's online schema changes run on. The
 * `lint_error` codes are the emulator's names: PlanetScale documents none.
 */
import type { TableDef } from "./tables";

/** One lint error, in the emulator's words (rendered with the spec's fields by the routes). */
export interface LintFinding {
  code: "NO_UNIQUE_KEY" | "INVALID_CHARSET" | "INVALID_ENGINE";
  table: string;
  description: string;
  charset?: string;
  engine?: string;
}

/** The charsets PlanetScale's documentation lists as supported. */
export const SUPPORTED_CHARSETS = ["utf8", "utf8mb4", "utf8mb3", "latin1", "ascii"];

/** The lint errors of a schema, table by table. */
export function lintTables(tables: readonly TableDef[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const table of tables) {
    if (table.primaryKey.length === 0 && !table.indexes.some((i) => i.unique)) {
      findings.push({
        code: "NO_UNIQUE_KEY",
        table: table.name,
        description: `Table \`${table.name}\` has no primary key or unique key: online schema changes need one to copy the table`,
      });
    }
    if (!SUPPORTED_CHARSETS.includes(table.charset.toLowerCase())) {
      findings.push({
        code: "INVALID_CHARSET",
        table: table.name,
        charset: table.charset,
        description: `Table \`${table.name}\` uses charset ${table.charset}; supported: ${SUPPORTED_CHARSETS.join(", ")}`,
      });
    }
    if (table.engine.toLowerCase() !== "innodb") {
      findings.push({
        code: "INVALID_ENGINE",
        table: table.name,
        engine: table.engine,
        description: `Table \`${table.name}\` uses engine ${table.engine}; only InnoDB is supported`,
      });
    }
  }
  return findings;
}
