import type * as pulumi from "@pulumi/pulumi";
import type * as z from "zod";
import * as branches from "../api/branches";
import { confirmGone } from "../api/gone";
import type { PlanetScaleClient } from "../client/client";
import { NotFoundError, PlanetScaleError, ResponseValidationError } from "../client/errors";
import { checkFailures } from "../dynamic/check-failures";
import { fillName } from "../dynamic/naming";
import type { ProviderContext, ResourceImplementation } from "../dynamic/resource-implementation";
import { unchangedSinceDeployed } from "../dynamic/unchanged";
import { parseKnown } from "../inputs/known-inputs";
import { fillOrganization, recordedOrganization } from "../inputs/organization";
import { diffProperties, dueForRotation } from "../inputs/property-diff";
import { inputsFromOutputs } from "../inputs/property-table";
import { resolvedInputs, stringOr, userInputs } from "../inputs/props";
import { isUnknown } from "../inputs/unknown";
import { recordIntent } from "../ownership/journal";
import { databaseKind, kindName } from "../preflight/database-kind";
import { BranchNotFoundError, InvalidInputError, NoLongerExistsError } from "../resource-errors";
import type { CredentialFlavor, RemoteCredential } from "./flavor";
import { crossCheck, type ResolvedCredentialInputs, ttlSeconds } from "./inputs";
import { type BranchRef, carriedSecret, secretOf, toOutputs } from "./outputs";
import { type CredentialPlace, createOwned } from "./ownership";

type Props = Record<string, unknown>;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The provider methods of a connection credential: a MySQL {@link CredentialFlavor | password}
 * or a Postgres role. `schema` validates the flavor's inputs.
 */
export function credentialResource(
  flavor: CredentialFlavor,
  schema: z.ZodType<Props>,
): ResourceImplementation {
  const resolved = (props: Props) =>
    resolvedInputs(
      schema as z.ZodType<Props & { organization?: string; name?: string }>,
      props,
      flavor.resource,
    ) as ResolvedCredentialInputs;

  /** The credential's type of database must match: refused with the database's kind and the fix. */
  async function wrongKind(
    ctx: ProviderContext,
    organization: string,
    database: string,
  ): Promise<string | undefined> {
    const kind = await databaseKind(ctx, organization, database);
    if (kind === flavor.kind) return undefined;
    return (
      `database '${database}' of ${organization} is a ${kindName(kind)} database, and ${flavor.resource} only exists on ` +
      `${kindName(flavor.kind)} databases: use ${flavor.otherResource} for ${kindName(kind)} databases`
    );
  }

  async function check(ctx: ProviderContext, olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const inputs = { ...userInputs(news) };
    const { unknown, parsed } = parseKnown(schema, flavor.properties, inputs);
    if (!parsed.success) return { inputs: news, failures: checkFailures(parsed.error) };
    const failures = crossCheck(parsed.data, unknown);
    if (failures.length > 0) return { inputs: news, failures };
    const missingOrganization = fillOrganization(ctx, inputs);
    if (missingOrganization.length > 0) return { inputs: news, failures: missingOrganization };
    fillName(inputs, olds, flavor.noun);
    if (unchangedSinceDeployed(olds, inputs))
      return { inputs: { ...inputs, __provider: news["__provider"] } };

    // Only now, with valid inputs, one API call (cached per database): is it the right kind?
    const organization = inputs["organization"];
    const database = inputs["database"];
    if (
      typeof organization === "string" &&
      typeof database === "string" &&
      !isUnknown(organization) &&
      !isUnknown(database)
    ) {
      const reason = await wrongKind(ctx, organization, database).catch(() => undefined);
      // Without credentials, or when PlanetScale is unreachable, create checks again.
      if (reason !== undefined) return { inputs: news, failures: [{ property: "database", reason }] };
    }
    return { inputs: { ...inputs, __provider: news["__provider"] } };
  }

  /**
   * Changing the branch only replaces the credential when it names another branch: the branch's
   * id, or a new name of the same branch (renamed in place), keeps it.
   */
  async function sameBranch(ctx: ProviderContext, olds: Props, news: Props): Promise<boolean> {
    const next = news["branch"];
    if (next === olds["branch"] || next === olds["branchId"]) return true;
    if (typeof next !== "string" || isUnknown(next) || typeof olds["branchId"] !== "string") return false;
    try {
      const organization = String(news["organization"] ?? olds["organization"]);
      const database = String(news["database"] ?? olds["database"]);
      const branch = await branches.getBranch(ctx.client(), organization, database, next);
      return branch.id === olds["branchId"];
    } catch {
      return false;
    }
  }

  async function diff(
    ctx: ProviderContext,
    _id: string,
    olds: Props,
    news: Props,
  ): Promise<pulumi.dynamic.DiffResult> {
    const { replaces, changes } = diffProperties(flavor.properties, olds, news);
    if (!replaces.includes("database") && !(await sameBranch(ctx, olds, news))) replaces.push("branch");
    else if (news["branch"] !== olds["branch"]) changes.push("branch");
    // Expired, or due for rotation: a fresh credential, created before the old one is deleted.
    if (!replaces.includes("ttl") && dueForRotation(olds, news, Date.now())) replaces.push("expiresAt");
    return {
      changes: replaces.length > 0 || changes.length > 0,
      replaces,
      // Names are not unique: the new credential is created first, so the app never goes without one.
      deleteBeforeReplace: false,
    };
  }

  async function resolveBranch(
    client: PlanetScaleClient,
    inputs: ResolvedCredentialInputs,
  ): Promise<BranchRef> {
    try {
      const branch = await branches.getBranch(client, inputs.organization, inputs.database, inputs.branch);
      return { id: branch.id, name: branch.name };
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new BranchNotFoundError(
          `branch '${inputs.branch}' does not exist in ${inputs.organization}/${inputs.database} (or the credential cannot see it): ` +
            "create it first, or fix `branch` (a branch name, its id, or the Branch resource)",
          { cause: error },
        );
      }
      throw error;
    }
  }

  async function create(ctx: ProviderContext, props: Props): Promise<pulumi.dynamic.CreateResult> {
    const inputs = resolved(props);
    const client = ctx.client();
    const reason = await wrongKind(ctx, inputs.organization, inputs.database);
    if (reason !== undefined) throw new InvalidInputError(reason);
    const branch = await resolveBranch(client, inputs);
    const place = { flavor, inputs, branchId: branch.id, branchName: branch.name };
    // Until the create returns or throws, a killed host leaves this record for `recover`.
    const settled = recordIntent(
      client,
      {
        kind: flavor.noun,
        organization: inputs.organization,
        database: inputs.database,
        // As the program gives it (a name or an id), like the engine's record of the create.
        branch: inputs.branch,
        name: inputs.name,
      },
      (m) => ctx.log(m),
    );
    try {
      return await createWithSecret(ctx, client, place, inputs, branch);
    } finally {
      settled();
    }
  }

  async function createWithSecret(
    ctx: ProviderContext,
    client: PlanetScaleClient,
    place: CredentialPlace,
    inputs: ResolvedCredentialInputs,
    branch: BranchRef,
  ): Promise<pulumi.dynamic.CreateResult> {
    const created = await createOwned(ctx, client, place, ttlSeconds(inputs.ttl));
    if (created.secret === undefined || created.username === undefined || created.host === undefined) {
      // Useless without them: never leave it behind.
      await flavor
        .remove(client, inputs.organization, inputs.database, branch.id, created.id)
        .catch(() => undefined);
      throw new ResponseValidationError(
        `PlanetScale created ${flavor.noun} ${created.id} without its plaintext, username or host in the answer; it was deleted again`,
      );
    }
    const secret = secretOf(flavor, created, created.secret, inputs.database);
    return { id: created.id, outs: toOutputs(flavor.properties, created, inputs, branch, secret) };
  }

  /** The credential, or undefined when it is gone for good (deleted, expired, branch gone). */
  async function fetchLive(
    ctx: ProviderContext,
    organization: string,
    database: string,
    branchId: string,
    id: string,
  ): Promise<RemoteCredential | undefined> {
    const client = ctx.client();
    try {
      const found = await flavor.get(client, organization, database, branchId, id);
      if (found.gone || isExpired(found)) {
        ctx.log(
          `${flavor.noun} ${id} of ${organization}/${database} expired or was deleted; reporting it gone`,
        );
        return undefined;
      }
      return found;
    } catch (error) {
      if (error instanceof NotFoundError) {
        // A 404 also means "no permission": only report it gone once the credential is proven to work.
        await confirmGone(client, organization, error);
        return undefined;
      }
      throw error;
    }
  }

  /** The branch may have been renamed in place since: its current name is worth reporting. */
  async function currentBranchName(
    ctx: ProviderContext,
    organization: string,
    database: string,
    branchId: string,
    previous: Props,
  ): Promise<string> {
    try {
      return (await branches.getBranch(ctx.client(), organization, database, branchId)).name;
    } catch {
      return stringOr(previous["branchName"]) ?? stringOr(previous["branch"]) ?? branchId;
    }
  }

  async function read(ctx: ProviderContext, id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
    const previous = userInputs(props);
    const organization = recordedOrganization(ctx, previous);
    const database = stringOr(previous["database"]);
    const branchId = stringOr(previous["branchId"]) ?? stringOr(previous["branch"]);
    if (!organization || !database || !branchId) {
      throw new InvalidInputError(
        `cannot read a ${flavor.resource} without its organization, database and branch (pass them as inputs when reading by id)`,
      );
    }
    const found = await fetchLive(ctx, organization, database, branchId, id);
    if (found === undefined) return {};
    const echoed = schema.safeParse(inputsFromOutputs(flavor.properties, previous)).data ?? {};
    const inputs = {
      ...echoed,
      organization,
      database,
      branch: stringOr(previous["branch"]) ?? branchId,
      name: found.name ?? stringOr(previous["name"]) ?? id,
    } as ResolvedCredentialInputs;
    const branch = {
      id: branchId,
      name: await currentBranchName(ctx, organization, database, branchId, previous),
    };
    const outputs = toOutputs(flavor.properties, found, inputs, branch, carriedSecret(previous));
    return { id: found.id, props: outputs, inputs: inputsFromOutputs(flavor.properties, outputs) };
  }

  async function update(
    ctx: ProviderContext,
    id: string,
    olds: Props,
    news: Props,
  ): Promise<pulumi.dynamic.UpdateResult> {
    const inputs = resolved(news);
    const branchId = String(olds["branchId"]);
    const found = await fetchLive(ctx, inputs.organization, inputs.database, branchId, id);
    if (found === undefined) {
      throw new NoLongerExistsError(
        `${flavor.noun} ${id} of ${inputs.organization}/${inputs.database} no longer exists (deleted outside Pulumi, or expired). ` +
          "Run `pulumi refresh` and then `pulumi up` to create a new one.",
      );
    }
    const branchName = await currentBranchName(ctx, inputs.organization, inputs.database, branchId, olds);
    return {
      outs: toOutputs(
        flavor.properties,
        found,
        inputs,
        { id: branchId, name: branchName },
        carriedSecret(olds),
      ),
    };
  }

  async function remove(ctx: ProviderContext, id: string, props: Props): Promise<void> {
    const organization = recordedOrganization(ctx, props);
    const database = stringOr(props["database"]);
    const branchId = stringOr(props["branchId"]) ?? stringOr(props["branch"]);
    if (!organization || !database || !branchId) {
      throw new InvalidInputError(
        `cannot delete ${flavor.noun} ${id}: its organization, database or branch is not recorded`,
      );
    }
    const client = ctx.client();
    try {
      await flavor.remove(client, organization, database, branchId, id);
    } catch (error) {
      if (error instanceof NotFoundError) {
        await confirmGone(client, organization, error);
        return;
      }
      throw new PlanetScaleError(
        `deleting ${flavor.noun} ${id} failed (${message(error)}); Pulumi keeps it in its state. Run \`pulumi destroy\` again, ` +
          `or delete it by hand (${flavor.deleteCommand(organization, database, stringOr(props["branchName"]) ?? branchId, id)})`,
        { cause: error },
      );
    }
  }

  return { check, diff, create, read, update, delete: remove };
}

function isExpired(c: RemoteCredential): boolean {
  if (!c.expiresAt) return false;
  const at = Date.parse(c.expiresAt);
  return !Number.isNaN(at) && at <= Date.now();
}
