import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";
const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A PlanetScale-style public id: 12 lowercase alphanumeric characters, e.g. `hnmkbklsndgi`. */
export function publicId(): string {
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** A plaintext service-token secret shaped like PlanetScale's: `pscale_tkn_` followed by 43 random characters. */
export function tokenSecret(): string {
  const bytes = randomBytes(43);
  let out = "pscale_tkn_";
  for (const b of bytes) out += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
  return out;
}

/** A plaintext connection password shaped like PlanetScale's: `pscale_pw_` and 43 random characters. */
export function credentialSecret(): string {
  let out = "pscale_pw_";
  for (const b of randomBytes(43)) out += TOKEN_ALPHABET[b % TOKEN_ALPHABET.length];
  return out;
}

/** A database username: random, like PlanetScale's. */
export function credentialUsername(prefix = ""): string {
  return `${prefix}${publicId()}${publicId().slice(0, 8)}`;
}

/** The only form in which the emulator keeps a secret: a SHA-256 hex digest. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored digest. */
export function secretMatches(secret: string, digest: string): boolean {
  const expected = Buffer.from(hashSecret(secret), "hex");
  const actual = Buffer.from(digest, "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A stable 12-character id derived from some parts (used for grant-group ids). */
export function derivedId(...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  let out = "";
  for (let i = 0; i < 12; i++) out += ALPHANUMERIC[(digest[i] ?? 0) % ALPHANUMERIC.length];
  return out;
}

/** ISO-8601 timestamp with milliseconds, the format PlanetScale uses (`2021-01-14T10:19:23.000Z`). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** {@link iso} of a nullable epoch. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
