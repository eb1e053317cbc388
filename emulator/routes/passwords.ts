/**
 * MySQL (Vitess) branch passwords: `…/branches/{branch}/passwords[/{id}[/renew]]`. Shapes from the
 * spec's `*_password` operations; request bodies as PlanetScale's clients send them: pscale's copy
 * of planetscale-go (`internal/planetscale/passwords.go`: `DatabaseBranchPasswordRequest`,
 * `UpdateDatabaseBranchPasswordRequest`) and the Terraform provider's `CreatePasswordRequestBody`.
 * The plaintext is in the create answer only.
 */
import { z } from "zod";
import { unprocessable } from "../http/errors";
import { invalidCidrs } from "../state/cidrs";
import { isExpired } from "../state/credentials";
import { credentialUsername, iso, isoOrNull } from "../state/ids";
import type { BranchRecord, PasswordRecord } from "../state/records";
import { mysqlAddresses, regionObject } from "../state/regions";
import type { CredentialKind } from "./credential-kit";
import { credentialRoutes } from "./credential-routes";
import { TOKEN_AVATAR } from "./serialize";

/**
 * The hosts, one per availability zone, a `direct_vtgate` password connects to. The spec describes
 * them ("The list of hosts in each availability zone providing direct access to a vtgate") without
 * an example; these names are a guess.
 */
function directVtgateAddresses(branch: BranchRecord): string[] {
  const { address } = mysqlAddresses(branch.region);
  return ["a", "b", "c"].map((zone) => address.replace(".connect.", `-az-${zone}.direct.`));
}

function render(password: PasswordRecord, branch: BranchRecord, now: number, plainText: string | null) {
  const { address, edge } = mysqlAddresses(branch.region);
  return {
    id: password.id,
    name: password.name,
    role: password.role,
    cidrs: password.cidrs,
    created_at: iso(password.createdAt),
    deleted_at: null,
    expires_at: isoOrNull(password.expiresAt),
    last_used_at: null,
    expired: isExpired(password, now),
    direct_vtgate: password.directVtgate,
    direct_vtgate_addresses: password.directVtgate ? directVtgateAddresses(branch) : [],
    ttl_seconds: password.ttlSeconds,
    access_host_url: address,
    access_host_regional_url: address,
    access_host_regional_urls: [],
    actor: password.actor
      ? { id: password.actor.id, display_name: password.actor.displayName, avatar_url: TOKEN_AVATAR }
      : null,
    region: regionObject(branch.region),
    username: password.username,
    plain_text: plainText,
    replica: password.replica,
    renewable: password.ttlSeconds !== null,
    database_branch: {
      name: branch.name,
      id: branch.id,
      production: branch.production,
      mysql_edge_address: edge,
      private_edge_connectivity: false,
    },
  };
}

/** 422 unless every entry of `cidrs` is an IP address or a CIDR range. */
function checkCidrs(cidrs: readonly string[] | undefined): void {
  const invalid = invalidCidrs(cidrs ?? []);
  if (invalid.length > 0) {
    throw unprocessable(`cidrs must be IP addresses or CIDR ranges; not valid: ${invalid.join(", ")}`);
  }
}

const createBody = z.strictObject({
  /** planetscale-go always sends it, "" when unset. */
  name: z.string().optional(),
  role: z.enum(["reader", "writer", "admin", "readwriter"]).optional(),
  replica: z.boolean().optional(),
  ttl: z.number().optional(),
  cidrs: z.array(z.string()).optional(),
  direct_vtgate: z.boolean().optional(),
});

/** `PATCH …/passwords/{id}`: pscale `password update --new-name --cidrs` (`--cidrs ""` sends `[]`). */
const updateBody = z.strictObject({
  name: z.string().optional(),
  cidrs: z.array(z.string()).optional(),
});

/** Passwords: created with 201, named after their branch and date by default. */
const passwordKind: CredentialKind<
  PasswordRecord,
  z.output<typeof createBody>,
  z.output<typeof updateBody>
> = {
  noun: "password",
  collection: "passwords",
  databaseKind: "mysql",
  createdStatus: 201,
  createBody,
  updateBody,
  deleteBody: z.strictObject({}),
  statuses: ["active", "renewable", "expired"],
  records: (store) => store.data.passwords,
  listed: () => true,
  // The spec: "Search passwords by name".
  matches: (password, q) => password.name.toLowerCase().includes(q),
  build(common, body, branch) {
    if (body.replica && !branch.production) {
      throw unprocessable("Replica passwords are only available on production branches");
    }
    checkCidrs(body.cidrs);
    return {
      ...common,
      role: body.role ?? "admin",
      replica: body.replica ?? false,
      cidrs: body.cidrs ?? null,
      directVtgate: body.direct_vtgate ?? false,
    };
  },
  update(password, body) {
    if (body.cidrs === undefined) return false;
    checkCidrs(body.cidrs);
    const same =
      password.cidrs !== null &&
      password.cidrs.length === body.cidrs.length &&
      password.cidrs.every((entry, i) => entry === body.cidrs?.[i]);
    password.cidrs = body.cidrs;
    return !same;
  },
  beforeDelete: () => {},
  defaultName: (branch, now) => `${branch.name}-${iso(now).slice(0, 10)}`,
  newUsername: () => credentialUsername(),
  render,
};

/** Password routes. */
export const passwordRoutes = credentialRoutes(passwordKind);
