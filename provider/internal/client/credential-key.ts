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
