import * as branches from "../../internal/api/branches";
import * as deployRequests from "../../internal/api/deploy-requests";
import * as serviceTokens from "../../internal/api/service-tokens";
import type { PlanetScaleClient } from "../../internal/client/client";
import { NotFoundError } from "../../internal/client/errors";
import { passwordFlavor } from "../../internal/credential/password";
import { roleFlavor } from "../../internal/credential/role";
import type { Interrupted } from "./interrupted";

/** What recovery did about one interrupted create. */
export type Resolution =
  | { outcome: "nothing"; detail: string }
  | { outcome: "deleted"; id: string; detail: string }
  | { outcome: "untouched"; id: string; detail: string }
  | { outcome: "ambiguous"; detail: string };

/** A PlanetScale object as far as proving its origin goes. */
interface Found {
  id: string;
  createdAt: string;
  /** The creator's id; null when PlanetScale does not say. */
  actorId: string | null;
}

/**
 * Why `found` is not what the interrupted create made, or undefined when it provably is: it was
 * created at or after the create's lower time bound, by our credential, and no resource of the
 * stack holds it. Our credential's id must be known and PlanetScale must name the creator.
 */
function notOurs(found: Found, item: Interrupted, stateIds: ReadonlySet<string>): string | undefined {
  if (stateIds.has(found.id)) return "a resource of this stack holds it";
  const created = Date.parse(found.createdAt);
  if (Number.isNaN(created) || created < item.earliest)
    return `it was created at ${found.createdAt}, before the interrupted run could have created it (${new Date(item.earliest).toISOString()})`;
  if (found.actorId !== null && item.actorId !== undefined && found.actorId !== item.actorId)
    return `it was created by ${found.actorId}, not by the credential of this stack (${item.actorId})`;
  return undefined;
}

/** Whether the creator can be compared at all (else nothing can be proven ours). */
function creatorUnknown(found: Found, item: Interrupted): boolean {
  return found.actorId === null || item.actorId === undefined;
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

/**
 * Looks for what one interrupted create left behind and deletes it when it provably is ours: a
 * branch nobody recorded (the next `pulumi up` creates it again, empty as it was), a token or a
 * password whose value was lost. Anything else is left untouched; several candidates, or a creator
 * that cannot be compared, stop with the ids and the command that resolves them.
 */
export async function resolveInterrupted(
  client: PlanetScaleClient,
  item: Interrupted,
  stateIds: ReadonlySet<string>,
): Promise<Resolution> {
  switch (item.kind) {
    case "branch":
      return resolveBranch(client, item, stateIds);
    case "serviceToken":
      return resolveToken(client, item, stateIds);
    case "password":
    case "role":
      return resolveCredential(client, item, stateIds);
    case "deployRequest":
      return resolveDeployRequest(client, item, stateIds);
    default:
      return { outcome: "ambiguous", detail: `${label(item)}: unknown kind '${item.kind}'` };
  }
}

async function resolveBranch(
  client: PlanetScaleClient,
  item: Interrupted,
  stateIds: ReadonlySet<string>,
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
  const why = notOurs(found, item, stateIds);
  if (why !== undefined)
    return { outcome: "untouched", id: branch.id, detail: `${label(item)} (id ${branch.id}): ${why}` };
  if (creatorUnknown(found, item) || branch.production) {
    return {
      outcome: "ambiguous",
      detail:
        `${label(item)} (id ${branch.id}) may be what the interrupted run created, but its creator cannot be compared with this stack's credential. ` +
        `If nothing uses it, delete it (pscale branch delete ${database} ${item.name} --org ${item.organization}) and run recover again.`,
    };
  }
  await branches.deleteBranch(client, item.organization, database, branch.id, { deleteDescendants: false });
  return {
    outcome: "deleted",
    id: branch.id,
    detail: `${label(item)} (id ${branch.id}): created by the interrupted run and recorded nowhere; deleted (the next \`pulumi up\` creates it again)`,
  };
}

async function resolveToken(
  client: PlanetScaleClient,
  item: Interrupted,
  stateIds: ReadonlySet<string>,
): Promise<Resolution> {
  const ours: string[] = [];
  const others: string[] = [];
  const unknownCreator: string[] = [];
  for await (const token of serviceTokens.listServiceTokens(client, item.organization)) {
    if (token.name !== item.name) continue;
    const found = { id: token.id, createdAt: token.created_at, actorId: token.actor_id ?? null };
    const why = notOurs(found, item, stateIds);
    if (why !== undefined) others.push(`${token.id} (${why})`);
    else if (creatorUnknown(found, item)) unknownCreator.push(token.id);
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
  try {
    await serviceTokens.deleteServiceToken(client, item.organization, id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  return {
    outcome: "deleted",
    id,
    detail: `${label(item)} (id ${id}): created by the interrupted run, its value lost; deleted with whatever accesses it held`,
  };
}

async function resolveCredential(
  client: PlanetScaleClient,
  item: Interrupted,
  stateIds: ReadonlySet<string>,
): Promise<Resolution> {
  const flavor = item.kind === "role" ? roleFlavor : passwordFlavor;
  const database = item.database ?? "";
  const branchName = item.branch ?? "";
  let branchId: string;
  try {
    branchId = (await branches.getBranch(client, item.organization, database, branchName)).id;
  } catch (error) {
    if (error instanceof NotFoundError)
      return {
        outcome: "nothing",
        detail: `${label(item)}: its branch is gone, and with it the ${flavor.noun}`,
      };
    throw error;
  }
  const ours: string[] = [];
  for await (const c of flavor.list(client, item.organization, database, branchId)) {
    if (c.name !== item.name) continue;
    // Name, time and, when PlanetScale names it (`actor`), the creator: as for branches and tokens.
    const why = notOurs({ id: c.id, createdAt: c.createdAt, actorId: c.actorId }, item, stateIds);
    if (why === undefined) ours.push(c.id);
  }
  const deleteCommand = (id: string) => flavor.deleteCommand(item.organization, database, branchName, id);
  if (ours.length > 1) {
    return {
      outcome: "ambiguous",
      detail: `${label(item)}: ${ours.length} new ${flavor.noun}s (ids ${ours.join(", ")}) cannot be told apart. Delete the ones nothing uses (${ours.map(deleteCommand).join("; ")}) and run recover again.`,
    };
  }
  const [id] = ours;
  if (id === undefined) return { outcome: "nothing", detail: `${label(item)}: never created` };
  try {
    await flavor.remove(client, item.organization, database, branchId, id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  return {
    outcome: "deleted",
    id,
    detail: `${label(item)} (id ${id}): created by the interrupted run, its value lost; deleted`,
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
  stateIds: ReadonlySet<string>,
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
  const why = notOurs(found, item, stateIds);
  const what = `${label(item)} (#${request.number}, id ${request.id})`;
  if (why !== undefined) return { outcome: "untouched", id: request.id, detail: `${what}: ${why}` };
  const close = `pscale deploy-request close ${database} ${request.number} --org ${item.organization}`;
  if (creatorUnknown(found, item)) {
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
  await deployRequests.closeDeployRequest(client, item.organization, database, request.number);
  return {
    outcome: "deleted",
    id: request.id,
    detail: `${what}: opened by the interrupted run and recorded nowhere; closed (the next \`pulumi up\` opens it again)`,
  };
}
