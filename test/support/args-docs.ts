// The TSDoc of the public `Args` interfaces, rendered from the resources' property tables: the doc
// comment of each member is exactly what `docComment(row)` makes of the member's row.
// test/provider/property-tables.test.ts fails when a file differs, and rewrites the files when run
// with PULUMI_PLANETSCALE_WRITE_DOCS=1. The table is the one place the text is written: the
// README's reference tables render the same rows.
import ts from "typescript";
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { BRANCH_PROPERTIES } from "../../provider/internal/branch/properties";
import {
  BRANCH_PASSWORD_PROPERTIES,
  BRANCH_ROLE_PROPERTIES,
} from "../../provider/internal/credential/properties";
import { DATABASE_PROPERTIES } from "../../provider/internal/database/properties";
import { DEPLOY_REQUEST_PROPERTIES } from "../../provider/internal/deploy-request/properties";
import type { PropertySpec, PropertyTable } from "../../provider/internal/inputs/property-table";
import { onChange } from "./readme-tables";

/** One public `Args` interface and the table whose rows document its members. */
export interface ArgsDocs {
  /** The file declaring it, relative to the repository. */
  file: string;
  /** The interface's name. */
  name: string;
  table: PropertyTable;
}

/**
 * Every `Args` interface. `BranchCredentialArgs` declares what both credentials take: its rows are
 * the same objects in both credential tables (`test/provider/property-tables.test.ts` checks it).
 */
export const ARGS_DOCS: readonly ArgsDocs[] = [
  { file: "provider/resources/branch.ts", name: "BranchArgs", table: BRANCH_PROPERTIES },
  { file: "provider/resources/api-token.ts", name: "ApiTokenArgs", table: API_TOKEN_PROPERTIES },
  {
    file: "provider/resources/branch-credential.ts",
    name: "BranchCredentialArgs",
    table: BRANCH_PASSWORD_PROPERTIES,
  },
  {
    file: "provider/resources/branch-password.ts",
    name: "BranchPasswordArgs",
    table: BRANCH_PASSWORD_PROPERTIES,
  },
  { file: "provider/resources/branch-role.ts", name: "BranchRoleArgs", table: BRANCH_ROLE_PROPERTIES },
  { file: "provider/resources/database.ts", name: "DatabaseArgs", table: DATABASE_PROPERTIES },
  {
    file: "provider/resources/deploy-request.ts",
    name: "DeployRequestArgs",
    table: DEPLOY_REQUEST_PROPERTIES,
  },
];

/** The comments' right margin, as the hand-written TSDoc of this repository. */
const WIDTH = 104;

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** One input's TSDoc text: what it is, what leaving it out means, what changing it does. */
export function docText(spec: PropertySpec): string {
  const parts = [sentence(spec.doc)];
  if (spec.defaultDoc !== undefined) parts.push(`Default: ${sentence(spec.defaultDoc)}`);
  parts.push(`On change: ${sentence(onChange(spec))}`);
  return parts.join(" ");
}

/** The doc comment of a member indented by `indent`: one line when it fits, else wrapped at {@link WIDTH}. */
export function docComment(spec: PropertySpec, indent: string): string {
  const text = docText(spec);
  const single = `/** ${text} */`;
  if (indent.length + single.length <= WIDTH) return single;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + 3 + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return ["/**", ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

/** The members of interface `name` in `text`, with where each one's doc comment is (or would go). */
function members(text: string, name: string): { key: string; start: number; end: number; indent: string }[] {
  const source = ts.createSourceFile("args.ts", text, ts.ScriptTarget.Latest, true);
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (found === undefined) throw new Error(`no interface ${name}`);
  return found.members.filter(ts.isPropertySignature).map((member) => {
    const start = member.getStart(source);
    const lineStart = text.lastIndexOf("\n", start - 1) + 1;
    const indent = text.slice(lineStart, start).replace(/\S.*$/s, "");
    const doc = ts.getJSDocCommentsAndTags(member).at(-1);
    // No comment yet: one goes on its own line before the member.
    const at = doc === undefined ? { start, end: start } : { start: doc.getStart(source), end: doc.end };
    return { key: member.name.getText(source), ...at, indent };
  });
}

/** The file's text with each member of `docs.name` documented by its table row. */
export function withGeneratedDocs(text: string, docs: ArgsDocs): string {
  let out = text;
  // From the last member up, so earlier offsets stay valid.
  for (const member of members(text, docs.name).reverse()) {
    const spec = docs.table[member.key];
    if (spec?.input === undefined) throw new Error(`${docs.name}.${member.key} is not an input of its table`);
    const comment = docComment(spec, member.indent);
    const replacement = member.start === member.end ? `${comment}\n${member.indent}` : comment;
    out = out.slice(0, member.start) + replacement + out.slice(member.end);
  }
  return out;
}
