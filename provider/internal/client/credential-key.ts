import * as crypto from "node:crypto";
import { authorizationHeader, type Settings } from "./settings";

/** Stable, non-reversible identifier of a credential, for sharing pools and limiters. */
export function credentialFingerprint(settings: Settings): string {
  return crypto
    .createHash("sha256")
    .update(authorizationHeader(settings.credential))
    .digest("hex")
    .slice(0, 24);
}

/**
 * Who is rate limited, for sharing a backoff gate between processes: the API origin and the
 * service token's id (not secret), or a hash of an OAuth token, which has no id.
 */
export function rateLimitKey(settings: Settings, origin: string): string {
  const { credential } = settings;
  const who =
    credential.kind === "serviceToken"
      ? `id:${credential.id}`
      : `oauth:${crypto.createHash("sha256").update(authorizationHeader(credential)).digest("hex")}`;
  return `${origin}|${who}`;
}
