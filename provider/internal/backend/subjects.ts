import { kindOfType } from "../dynamic/kinds";
import type { ResourceKind } from "../dynamic/runtime-contract";
import type { StateResource } from "./stacks";

/** The kind of a PlanetScale object, as the journal and the ownership checks name it. */
export type SubjectKind = "branch" | "serviceToken" | "password" | "role" | "database" | "deployRequest";

/** The subject kind of each resource kind. */
export const SUBJECT_KINDS: Readonly<Record<ResourceKind, SubjectKind>> = {
  branch: "branch",
  apiToken: "serviceToken",
  branchPassword: "password",
  branchRole: "role",
  database: "database",
  deployRequest: "deployRequest",
};

/** The subject kind of a resource of this package by its type token; undefined for any other. */
export function subjectKindOfType(type: string): SubjectKind | undefined {
  const kind = kindOfType(type);
  return kind === undefined ? undefined : SUBJECT_KINDS[kind];
}

/**
 * What a create makes, by the names PlanetScale knows it by: the kind, the organization, the
 * database (branches and credentials), the branch (credentials: its name or id, as given) and the
 * object's name. A field left out (a pending create whose inputs lack it) matches any value.
 */
export interface Subject {
  kind: string;
  organization?: string | undefined;
  database?: string | undefined;
  branch?: string | undefined;
  name?: string | undefined;
}

/** What a query about one object knows: its branch may be known by several names (name and id). */
export interface SubjectQuery {
  kind: string;
  organization: string;
  database?: string | undefined;
  /** The branch's name and id, for a credential. */
  branch?: readonly string[] | undefined;
  name: string;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The subject a pending create (its inputs) or a resource (its outputs, then inputs) names. */
export function subjectOf(resource: StateResource): Subject | undefined {
  const kind = subjectKindOfType(resource.type);
  if (kind === undefined) return undefined;
  const fields = { ...(resource.inputs ?? {}), ...(resource.outputs ?? {}) };
  const branch =
    kind === "password" || kind === "role" || kind === "deployRequest" ? str(fields["branch"]) : undefined;
  return {
    kind,
    organization: str(fields["organization"]),
    // A database is known by its name alone (it is its own `name`, not one of a database).
    database: kind === "serviceToken" || kind === "database" ? undefined : str(fields["database"]),
    branch,
    // A deploy request has no name: its branch names it (one open request per branch).
    name: kind === "deployRequest" ? branch : str(fields["name"]),
  };
}

/**
 * Whether `subject` may be the object `query` describes: every field `subject` names agrees (a
 * missing field agrees with anything, so a create whose inputs are incomplete protects every object
 * it might make).
 */
export function mayBe(subject: Subject, query: SubjectQuery): boolean {
  if (subject.kind !== query.kind) return false;
  if (subject.organization !== undefined && subject.organization !== query.organization) return false;
  if (subject.database !== undefined && query.database !== undefined && subject.database !== query.database)
    return false;
  if (subject.name !== undefined && subject.name !== query.name) return false;
  if (subject.branch !== undefined && query.branch !== undefined && !query.branch.includes(subject.branch))
    return false;
  return true;
}

/** A subject in words, e.g. `branch 'pr-7' of acme/app`. */
export function describeSubject(subject: Subject | SubjectQuery): string {
  const branch = Array.isArray(subject.branch) ? subject.branch[0] : subject.branch;
  const where = [subject.organization ?? "*", subject.database, branch].filter(Boolean).join("/");
  const noun =
    subject.kind === "serviceToken"
      ? "service token"
      : subject.kind === "deployRequest"
        ? "deploy request of branch"
        : subject.kind;
  return `${noun} '${subject.name ?? "*"}' of ${where}`;
}
