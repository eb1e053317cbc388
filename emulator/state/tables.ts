/**
 * A branch's schema as the emulator keeps it: MySQL tables, each a list of columns, a primary key
 * and indexes, and what PlanetScale shows of one (`get_branch_schema`'s `raw`: the table's
 * `SHOW CREATE TABLE` text). Vitess databases only; a branch has one keyspace, named after its
 * database.
 */
import { z } from "zod";

/** One column: its type as written (lowercased), nullability, default (SQL text) and auto-increment. */
export const ColumnDef = z.object({
  name: z.string(),
  type: z.string(),
  nullable: z.boolean(),
  /** The default as SQL text (`'x'`, `0`, `CURRENT_TIMESTAMP`); null: none given. */
  default: z.string().nullable(),
  autoIncrement: z.boolean(),
});
/** One column of a table. */
export type ColumnDef = z.infer<typeof ColumnDef>;

/** A secondary index. */
export const IndexDef = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  unique: z.boolean(),
});
/** A secondary index. */
export type IndexDef = z.infer<typeof IndexDef>;

/** A table. */
export const TableDef = z.object({
  name: z.string(),
  columns: z.array(ColumnDef),
  /** Column names; empty: no primary key. */
  primaryKey: z.array(z.string()),
  indexes: z.array(IndexDef),
  engine: z.string(),
  charset: z.string(),
});
/** A table. */
export type TableDef = z.infer<typeof TableDef>;

/** MySQL 8's defaults, which PlanetScale's branches use. */
export const DEFAULT_ENGINE = "InnoDB";
export const DEFAULT_CHARSET = "utf8mb4";

/** `` `name` ``, as MySQL quotes identifiers. */
export function quote(name: string): string {
  return `\`${name.replace(/`/g, "``")}\``;
}

/** A column as `SHOW CREATE TABLE` writes it. */
export function renderColumn(column: ColumnDef): string {
  const parts = [quote(column.name), column.type];
  if (!column.nullable) parts.push("NOT NULL");
  if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  else if (column.nullable) parts.push("DEFAULT NULL");
  if (column.autoIncrement) parts.push("AUTO_INCREMENT");
  return parts.join(" ");
}

/** An index as `SHOW CREATE TABLE` writes it. */
export function renderIndex(index: IndexDef): string {
  return `${index.unique ? "UNIQUE KEY" : "KEY"} ${quote(index.name)} (${index.columns.map(quote).join(", ")})`;
}

/** The lines between a table's parentheses: columns, primary key, indexes. */
export function tableLines(table: TableDef): string[] {
  const lines = table.columns.map(renderColumn);
  if (table.primaryKey.length > 0) lines.push(`PRIMARY KEY (${table.primaryKey.map(quote).join(", ")})`);
  for (const index of table.indexes) lines.push(renderIndex(index));
  return lines;
}

/** The table's `CREATE TABLE` statement as `SHOW CREATE TABLE` prints it (no trailing `;`). */
export function renderTable(table: TableDef): string {
  const body = tableLines(table).map((line) => `  ${line}`);
  return [
    `CREATE TABLE ${quote(table.name)} (`,
    body.join(",\n"),
    `) ENGINE=${table.engine} DEFAULT CHARSET=${table.charset}`,
  ].join("\n");
}

/** Text made safe inside HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `raw` as HTML: escaped, in a `<pre>`, as PlanetScale's `html` fields carry highlighted SQL. */
export function htmlOf(raw: string): string {
  return `<pre>${escapeHtml(raw)}</pre>`;
}

/** Tables by name, sorted, as PlanetScale lists a schema. */
export function sortedTables(tables: readonly TableDef[]): TableDef[] {
  return [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A deep copy (a branch's schema is its own once created). */
export function copyTables(tables: readonly TableDef[]): TableDef[] {
  return tables.map((t) => structuredClone(t));
}
