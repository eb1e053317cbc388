/**
 * MySQL (Vitess) branch passwords: `…/branches/{branch}/passwords[/{id}[/renew]]`. Shapes from the
 * spec's `*_password` operations; request bodies as planetscale-go's `DatabaseBranchPasswordRequest`
 * (planetscale/passwords.go) sends them. The plaintext is in the create answer only.
 */
import { z } from "zod";
import { unprocessable } from "../http/errors";
import { isExpired } from "../state/credentials";
import { credentialUsername, iso, isoOrNull } from "../state/ids";
import type { BranchRecord, PasswordRecord } from "../state/records";
import { mysqlAddresses, regionObject } from "../state/regions";
import { type CredentialKind, credentialRoutes } from "./credential-routes";
import { TOKEN_AVATAR } from "./serialize";

function render(password: PasswordRecord, branch: BranchRecord, now: number, plainText: string | null) {
  const { address, edge } = mysqlAddresses(branch.region);
  return {
    id: password.id,
    name: password.name,
    role: password.role,
    cidrs: null,
    created_at: iso(password.createdAt),
    deleted_at: null,
    expires_at: isoOrNull(password.expiresAt),
    last_used_at: null,
    expired: isExpired(password, now),
    direct_vtgate: false,
    direct_vtgate_addresses: [],
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

const createBody = z.strictObject({
  /** planetscale-go always sends it, "" when unset. */
  name: z.string().optional(),
  role: z.enum(["reader", "writer", "admin", "readwriter"]).optional(),
  replica: z.boolean().optional(),
  ttl: z.number().optional(),
  cidrs: z.array(z.string()).optional(),
  direct_vtgate: z.boolean().optional(),
});

/** Passwords: created with 201, named after their branch and date by default. */
const passwordKind: CredentialKind<PasswordRecord, z.output<typeof createBody>> = {
  noun: "password",
  collection: "passwords",
  databaseKind: "mysql",
  createdStatus: 201,
  createBody,
  records: (store) => store.data.passwords,
  build(common, body, branch) {
    if (body.replica && !branch.production) {
      throw unprocessable("Replica passwords are only available on production branches");
    }
    return { ...common, role: body.role ?? "admin", replica: body.replica ?? false };
  },
  defaultName: (branch, now) => `${branch.name}-${iso(now).slice(0, 10)}`,
  newUsername: () => credentialUsername(),
  render,
};

/** Password routes. */
export const passwordRoutes = credentialRoutes(passwordKind);
