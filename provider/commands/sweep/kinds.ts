import * as branches from "../../internal/api/branches";
import * as passwords from "../../internal/api/passwords";
import * as roles from "../../internal/api/roles";
import * as serviceTokens from "../../internal/api/service-tokens";
import type { SubjectQuery } from "../../internal/backend/subjects";
import type { PlanetScaleClient } from "../../internal/client/client";
import { tokenDatabaseScope } from "./token-scope";

/** What the sweeper was asked to look for. */
export interface SweepScope {
  organization: string;
  /** Database whose branches are swept; kinds that live in a database need it. */
  database: string | undefined;
  /** Only objects whose name starts with this (never empty). */
  prefix: string;
}

/** One object that matched the prefix, whether or not it may be deleted. */
export interface Candidate {
  /** The {@link SweepKind.kind} that found it. */
  kind: string;
  id: string;
  name: string;
  /** Where it lives, e.g. `acme/app` or `acme`. */
  where: string;
  /** Creation time in ms since the epoch (NaN when PlanetScale did not say). */
  createdAt: number;
  /** For a branch: its engine, which decides whether its credentials are passwords or roles. */
  credentials?: "postgresql";
  /** Who created it (`actor` of a branch, `actor_id` of a token); null when PlanetScale does not say. */
  actorId: string | null;
  /** How a stack's pending create would name it (see `BackendEvidence.creators`). */
  subject: SubjectQuery;
  /** Why it must never be swept: production, deletion protection, the sweeper's own credential, another database. */
  keep?: { reason: KeepReason; detail: string };
}

/** Why an object matching the prefix is kept; each is counted on the summary line (`kept_<reason>`). */
export type KeepReason =
  | "production"
  | "protected"
  | "own_token"
  | "other_database"
  | "other_creator"
  | "held"
  | "creating"
  | "too_recent";

/** Every {@link KeepReason}, in the order the summary line prints them. */
export const KEEP_REASONS: readonly KeepReason[] = [
  "production",
  "protected",
  "own_token",
  "other_database",
  "other_creator",
  "held",
  "creating",
  "too_recent",
];

/**
 * One kind of PlanetScale object the sweeper knows. A new kind (e.g. branch passwords) plugs in by
 * adding an entry to {@link SWEEP_KINDS}: list what matches the prefix, delete one.
 */
export interface SweepKind {
  /** Singular noun used in output, e.g. `branch`. */
  kind: string;
  /** Plural noun for the summary line. */
  plural: string;
  /** Candidates whose name starts with the prefix, in the scope; none when the scope lacks what it needs. */
  list(client: PlanetScaleClient, scope: SweepScope): Promise<Candidate[]>;
  /**
   * Objects PlanetScale deletes together with this candidate (a branch's passwords or roles): listed
   * so a dry run shows everything that will go, never deleted one by one.
   */
  dependents?(client: PlanetScaleClient, scope: SweepScope, candidate: Candidate): Promise<Candidate[]>;
  /**
   * Why a candidate lies outside the scope after all, or undefined (a token not confined to the
   * database by its grants); asked only of candidates that are otherwise left-overs.
   */
  outOfScope?(
    client: PlanetScaleClient,
    scope: SweepScope,
    candidate: Candidate,
  ): Promise<string | undefined>;
  remove(client: PlanetScaleClient, scope: SweepScope, candidate: Candidate): Promise<void>;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Development branches of the database; production and deletion-protected ones are kept. */
const branchKind: SweepKind = {
  kind: "branch",
  plural: "branches",
  async list(client, { organization, database, prefix }) {
    if (database === undefined) return [];
    // Every branch, filtered here: PlanetScale documents `q` as a search term, not a prefix match.
    const all = await collect(branches.listBranches(client, organization, database));
    return all
      .filter((b) => b.name.startsWith(prefix))
      .map((b) => {
        const candidate: Candidate = {
          kind: "branch",
          id: b.id,
          name: b.name,
          where: `${organization}/${database}`,
          createdAt: Date.parse(b.created_at),
          actorId: b.actor?.id ?? null,
          subject: { kind: "branch", organization, database, name: b.name },
        };
        if (b.kind === "postgresql") candidate.credentials = "postgresql";
        if (b.production) candidate.keep = { reason: "production", detail: "production branch" };
        else if (b.deletion_protected) candidate.keep = { reason: "protected", detail: "deletion-protected" };
        return candidate;
      });
  },
  async dependents(client, { organization, database }, candidate) {
    if (database === undefined) return [];
    const where = `${organization}/${database}/${candidate.name}`;
    // A Postgres branch has roles (`…/roles`), a MySQL one passwords (`…/passwords`); the other
    // endpoint answers 4xx, so the branch's own `kind` picks one.
    const found =
      candidate.credentials === "postgresql"
        ? await collect(roles.listRoles(client, organization, database, candidate.name))
        : await collect(passwords.listPasswords(client, organization, database, candidate.name));
    const kind = candidate.credentials === "postgresql" ? "branch role" : "branch password";
    return found.map((c) => ({
      kind,
      id: c.id,
      name: c.name ?? c.username ?? "",
      where,
      createdAt: Date.parse(c.created_at),
      actorId: c.actor?.id ?? null,
      subject: {
        kind: candidate.credentials === "postgresql" ? "role" : "password",
        organization,
        database,
        branch: [candidate.id, candidate.name],
        name: c.name ?? "",
      },
    }));
  },
  async remove(client, { organization, database }, candidate) {
    if (database === undefined) throw new TypeError("a branch sweep needs a database");
    // No delete_descendants: a branch with children is reported, not taken down with them.
    await branches.deleteBranch(client, organization, database, candidate.id, { deleteDescendants: false });
  },
};

/**
 * Service tokens of the organization; the credential the sweeper runs with is kept. With a
 * database, only tokens whose grants confine them to it (see {@link tokenDatabaseScope}).
 */
const serviceTokenKind: SweepKind = {
  kind: "service token",
  plural: "service tokens",
  async list(client, { organization, prefix }) {
    const own =
      client.settings.credential.kind === "serviceToken" ? client.settings.credential.id : undefined;
    const all = await collect(serviceTokens.listServiceTokens(client, organization));
    const out: Candidate[] = [];
    for (const t of all.filter((t) => (t.name ?? "").startsWith(prefix))) {
      const candidate: Candidate = {
        kind: "service token",
        id: t.id,
        name: t.name ?? "",
        where: organization,
        createdAt: Date.parse(t.created_at),
        actorId: t.actor_id ?? null,
        subject: { kind: "serviceToken", organization, name: t.name ?? "" },
      };
      if (t.id === own)
        candidate.keep = { reason: "own_token", detail: "the credential this sweep runs with" };
      out.push(candidate);
    }
    return out;
  },
  async outOfScope(client, { organization, database }, candidate) {
    if (database === undefined) return undefined;
    return tokenDatabaseScope(
      await serviceTokens.listServiceTokenAccesses(client, organization, candidate.id),
      database,
    );
  },
  async remove(client, { organization }, candidate) {
    await serviceTokens.deleteServiceToken(client, organization, candidate.id);
  },
};

/**
 * Every kind the sweeper handles, in deletion order (branches first: their passwords and roles go
 * with them, listed through {@link SweepKind.dependents}).
 */
export const SWEEP_KINDS: readonly SweepKind[] = [branchKind, serviceTokenKind];
