import * as branches from "../../internal/api/branches";
import * as deployRequests from "../../internal/api/deploy-requests";
import * as organizations from "../../internal/api/organizations";
import * as serviceTokens from "../../internal/api/service-tokens";
import type { BackendEvidence } from "../../internal/backend/evidence";
import { mayBe, type SubjectQuery } from "../../internal/backend/subjects";
import type { PlanetScaleClient } from "../../internal/client/client";
import { NotFoundError } from "../../internal/client/errors";
import { passwordFlavor } from "../../internal/credential/password";
import { roleFlavor } from "../../internal/credential/role";
import type { Claim, Interrupted } from "./interrupted";

/**
 * What recovery decided about one interrupted create. A deletion is only planned (`remove`): the
 * caller runs it once every create has been decided and nothing needs a person.
 */
export type Resolution =
  | { outcome: "nothing"; detail: string }
  | { outcome: "deleted"; id: string; detail: string; remove: () => Promise<void> }
  | { outcome: "untouched"; id: string; detail: string }
  | { outcome: "ambiguous"; detail: string };

/** A PlanetScale object as far as proving its origin goes. */
interface Found {
  id: string;
  createdAt: string;
  /** The creator's id; null when PlanetScale does not say. */
  actorId: string | null;
}

/** What proves an object is not this stack's to delete. */
export interface Ownership {
  /** Ids this stack's own resources hold. */
  stateIds: ReadonlySet<string>;
  /** Every stack of the backend (this one excluded through `self`). */
  evidence: BackendEvidence;
  /** This stack's fully qualified name in `evidence`. */
  self: string | undefined;
  /** Creates of live processes and of other stacks' interrupted runs. */
  claims: readonly Claim[];
  /** The id of the credential this stack uses (what PlanetScale names as the creator), if known. */
  actorId: string | undefined;
}

function label(item: Interrupted): string {
  const where = [item.organization, item.database, item.branch].filter(Boolean).join("/");
  const noun =
    item.kind === "serviceToken"
      ? "service token"
      : item.kind === "deployRequest"
        ? "deploy request of"
        : item.kind;
  return `${noun} '${item.name}' of ${where}`;
}

function query(item: Interrupted, branchAliases?: string[]): SubjectQuery {
  return {
    kind: item.kind,
    organization: item.organization,
    database: item.database,
    branch: branchAliases,
    name: item.name,
  };
}

/**
 * Why `found` is not what the interrupted create made, or undefined when it may be: a resource of
 * any stack holds it, another stack or a live process is creating an object of its name, it was
 * created before the create's lower time bound, by another creator, or the create's answer named
 * another object.
 */
function notOurs(
  found: Found,
  item: Interrupted,
  own: Ownership,
  branchAliases?: string[],
): string | undefined {
  if (own.stateIds.has(found.id)) return "a resource of this stack holds it";
  const claimed = own.evidence.claimedBy(found.id, query(item, branchAliases), own.self);
  if (claimed) return claimed;
  const claim = own.claims.find((c) => mayBe(c.subject, query(item, branchAliases)));
  if (claim) return claim.detail;
  const created = Date.parse(found.createdAt);
  if (Number.isNaN(created) || created < item.earliest)
    return `it was created at ${found.createdAt}, before the interrupted run could have created it (${new Date(item.earliest).toISOString()})`;
  if (found.actorId !== null && own.actorId !== undefined && found.actorId !== own.actorId)
    return `it was created by ${found.actorId}, not by the credential of this stack (${own.actorId})`;
  const answered = createdIds(item);
  if (answered.length > 0 && !answered.includes(found.id))
    return `the interrupted create was answered with ${answered.join(", ")}, not this one`;
  return undefined;
}

/** Ids PlanetScale answered the interrupted create's requests with. */
function createdIds(item: Interrupted): string[] {
  return (item.attempts ?? []).flatMap((a) => (a.state === "created" && a.id ? [a.id] : []));
}

/**
 * Whether the journal proves the create made nothing: every request it sent provably never left,
 * or was refused (none sent at all counts: the record is written before the first one).
 */
function provablyNothing(item: Interrupted): boolean {
  return item.attempts?.every((a) => a.state === "not-sent" || a.state === "refused") === true;
}

/** Whether the creator can be compared at all (else nothing can be proven ours). */
function creatorUnknown(found: Found, own: Ownership): boolean {
  return found.actorId === null || own.actorId === undefined;
}

/**
 * Looks for what one interrupted create left behind and decides, without changing anything,
 * whether it provably is ours: then its deletion is planned (a branch nobody recorded: the next
 * `pulumi up` creates it again, empty as it was; a token or a password whose value was lost).
 * Anything else is left untouched; several candidates, or a creator that cannot be compared, stop
 * with the ids and the command that resolves them.
 */
export async function resolveInterrupted(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  if (provablyNothing(item)) {
    const sent = item.attempts?.length ?? 0;
    return {
      outcome: "nothing",
      detail: `${label(item)}: never reached PlanetScale as far as the journal shows (${sent === 0 ? "no request was sent" : `${sent} request(s), each refused or never sent`}); nothing is deleted`,
    };
  }
  switch (item.kind) {
    case "branch":
      return resolveBranch(client, item, own);
    case "serviceToken":
      return resolveToken(client, item, own);
    case "password":
    case "role":
      return resolveCredential(client, item, own);
    case "deployRequest":
      return resolveDeployRequest(client, item, own);
    case "database":
      return resolveDatabase(client, item, own);
    default:
      return { outcome: "ambiguous", detail: `${label(item)}: unknown kind '${item.kind}'` };
  }
}

async function resolveBranch(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  const database = item.database ?? "";
  let branch: Awaited<ReturnType<typeof branches.getBranch>>;
  try {
    branch = await branches.getBranch(client, item.organization, database, item.name);
  } catch (error) {
    if (error instanceof NotFoundError)
      return { outcome: "nothing", detail: `${label(item)}: never created` };
    throw error;
  }
  const found = { id: branch.id, createdAt: branch.created_at, actorId: branch.actor?.id ?? null };
  const why = notOurs(found, item, own);
  if (why !== undefined)
    return { outcome: "untouched", id: branch.id, detail: `${label(item)} (id ${branch.id}): ${why}` };
  if (creatorUnknown(found, own) || branch.production) {
    return {
      outcome: "ambiguous",
      detail:
        `${label(item)} (id ${branch.id}) may be what the interrupted run created, but its creator cannot be compared with this stack's credential. ` +
        `If nothing uses it, delete it (pscale branch delete ${database} ${item.name} --org ${item.organization}) and run recover again.`,
    };
  }
  return {
    outcome: "deleted",
    id: branch.id,
    detail: `${label(item)} (id ${branch.id}): created by the interrupted run and held by no stack; deleted (the next \`pulumi up\` creates it again)`,
    remove: () =>
      branches.deleteBranch(client, item.organization, database, branch.id, { deleteDescendants: false }),
  };
}

/**
 * A database is never deleted by recovery, even one provably made by the interrupted run: it may
 * already hold data, and the next `pulumi up` can take it over (`adopt: true`). Recovery says
 * whether it exists and whose it is, with the commands that resolve it.
 */
async function resolveDatabase(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  let database: Awaited<ReturnType<typeof organizations.getDatabase>>;
  try {
    database = await organizations.getDatabase(client, item.organization, item.name);
  } catch (error) {
    if (error instanceof NotFoundError)
      return { outcome: "nothing", detail: `${label(item)}: never created` };
    throw error;
  }
  const main = await branches
    .getBranch(client, item.organization, database.name, database.default_branch ?? "main")
    .catch(() => undefined);
  const found = { id: database.id, createdAt: database.created_at ?? "", actorId: main?.actor?.id ?? null };
  const why = notOurs(found, item, own);
  if (why !== undefined)
    return { outcome: "untouched", id: database.id, detail: `${label(item)} (id ${database.id}): ${why}` };
  return {
    outcome: "ambiguous",
    detail:
      `${label(item)} (id ${database.id}) may be what the interrupted run created; recovery never deletes a database. ` +
      `To keep it, set \`adopt: true\` on the Database and run \`pulumi up\`; if nothing uses it, delete it (pscale database delete ${item.name} --org ${item.organization}) and run recover again.`,
  };
}

async function resolveToken(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  const ours: string[] = [];
  const others: string[] = [];
  const unknownCreator: string[] = [];
  for await (const token of serviceTokens.listServiceTokens(client, item.organization)) {
    if (token.name !== item.name) continue;
    const found = { id: token.id, createdAt: token.created_at, actorId: token.actor_id ?? null };
    const why = notOurs(found, item, own);
    if (why !== undefined) others.push(`${token.id} (${why})`);
    else if (creatorUnknown(found, own)) unknownCreator.push(token.id);
    else ours.push(token.id);
  }
  const deleteCommand = (id: string) => `pscale service-token delete ${id} --org ${item.organization}`;
  if (unknownCreator.length > 0 || ours.length > 1) {
    const ids = [...ours, ...unknownCreator];
    return {
      outcome: "ambiguous",
      detail:
        `${label(item)}: ${ids.length} tokens (ids ${ids.join(", ")}) may be what the interrupted run created and cannot be told apart from someone else's. ` +
        `Delete the ones nothing uses (${ids.map(deleteCommand).join("; ")}) and run recover again.`,
    };
  }
  const [id] = ours;
  if (id === undefined) {
    return others.length > 0
      ? {
          outcome: "untouched",
          id: others.join(", "),
          detail: `${label(item)}: only others' tokens: ${others.join("; ")}`,
        }
      : { outcome: "nothing", detail: `${label(item)}: never created` };
  }
  return {
    outcome: "deleted",
    id,
    detail: `${label(item)} (id ${id}): created by the interrupted run, its value lost; deleted with whatever accesses it held`,
    remove: async () => {
      try {
        await serviceTokens.deleteServiceToken(client, item.organization, id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
  };
}

async function resolveCredential(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  const flavor = item.kind === "role" ? roleFlavor : passwordFlavor;
  const database = item.database ?? "";
  const branchName = item.branch ?? "";
  let branch: { id: string; name: string };
  try {
    branch = await branches.getBranch(client, item.organization, database, branchName);
  } catch (error) {
    if (error instanceof NotFoundError)
      return {
        outcome: "nothing",
        detail: `${label(item)}: its branch is gone, and with it the ${flavor.noun}`,
      };
    throw error;
  }
  const aliases = [branch.id, branch.name, branchName];
  const ours: string[] = [];
  const others: string[] = [];
  for await (const c of flavor.list(client, item.organization, database, branch.id)) {
    if (c.name !== item.name) continue;
    // Name, time and, when PlanetScale names it (`actor`), the creator: as for branches and tokens.
    const why = notOurs({ id: c.id, createdAt: c.createdAt, actorId: c.actorId }, item, own, aliases);
    if (why === undefined) ours.push(c.id);
    else others.push(`${c.id} (${why})`);
  }
  const deleteCommand = (id: string) => flavor.deleteCommand(item.organization, database, branchName, id);
  if (ours.length > 1) {
    return {
      outcome: "ambiguous",
      detail: `${label(item)}: ${ours.length} new ${flavor.noun}s (ids ${ours.join(", ")}) cannot be told apart. Delete the ones nothing uses (${ours.map(deleteCommand).join("; ")}) and run recover again.`,
    };
  }
  const [id] = ours;
  if (id === undefined) {
    return others.length > 0
      ? {
          outcome: "untouched",
          id: others.join(", "),
          detail: `${label(item)}: only others' ${flavor.noun}s: ${others.join("; ")}`,
        }
      : { outcome: "nothing", detail: `${label(item)}: never created` };
  }
  return {
    outcome: "deleted",
    id,
    detail: `${label(item)} (id ${id}): created by the interrupted run, its value lost; deleted`,
    remove: async () => {
      try {
        await flavor.remove(client, item.organization, database, branch.id, id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    },
  };
}

/**
 * An interrupted deploy request's create: the branch's open deploy request, when it is provably
 * the run's (created after its start, by this credential, held by no resource), is closed; the next
 * `pulumi up` opens it again. One whose deployment started is never touched (cancelling a deploy is
 * an operator's call).
 */
async function resolveDeployRequest(
  client: PlanetScaleClient,
  item: Interrupted,
  own: Ownership,
): Promise<Resolution> {
  const database = item.database ?? "";
  const branch = item.branch ?? item.name;
  const open: Array<Awaited<ReturnType<typeof deployRequests.getDeployRequest>>> = [];
  for await (const request of deployRequests.listDeployRequests(client, item.organization, database, {
    state: "open",
    branch,
  })) {
    open.push(request);
  }
  const [request] = open;
  if (request === undefined) return { outcome: "nothing", detail: `${label(item)}: never opened` };
  const found = { id: request.id, createdAt: request.created_at, actorId: request.actor?.id ?? null };
  const why = notOurs(found, item, own, [branch]);
  const what = `${label(item)} (#${request.number}, id ${request.id})`;
  if (why !== undefined) return { outcome: "untouched", id: request.id, detail: `${what}: ${why}` };
  const close = `pscale deploy-request close ${database} ${request.number} --org ${item.organization}`;
  if (creatorUnknown(found, own)) {
    return {
      outcome: "ambiguous",
      detail: `${what} may be what the interrupted run opened, but its creator cannot be compared with this stack's credential. If nothing uses it, close it (${close}) and run recover again.`,
    };
  }
  if (!["pending", "ready", "no_changes"].includes(request.deployment_state)) {
    return {
      outcome: "untouched",
      id: request.id,
      detail: `${what}: its deployment started (${request.deployment_state}); it is left alone (${close} once it is over, if nothing needs it)`,
    };
  }
  return {
    outcome: "deleted",
    id: request.id,
    detail: `${what}: opened by the interrupted run and recorded nowhere; closed (the next \`pulumi up\` opens it again)`,
    remove: async () => {
      await deployRequests.closeDeployRequest(client, item.organization, database, request.number);
    },
  };
}
