/** What replaces a secret wherever one would otherwise be shown. */
export const REDACTED = "[REDACTED]";

// Shapes of PlanetScale secrets and auth headers, redacted even when we do not know the exact value
// (e.g. a token for another credential echoed back by a proxy). Token values look like
// `pscale_tkn_…`; other prefixes (`pscale_oauth_…`, `pscale_pw_…`) follow the same pattern.
const SECRET_PATTERNS: readonly RegExp[] = [
  /pscale_[a-z]+_[A-Za-z0-9_-]+/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /(\bauthorization["']?\s*[:=]\s*["']?)[^\s"',;}]+(?:\s*:\s*[^\s"',;}]+)?/gi,
];

// Secrets shorter than this are not searched for: replacing every "a" in a message would destroy it
// and a 3-character secret is not worth protecting by string search anyway.
const MIN_SECRET_LENGTH = 4;

// The `pscale_<kind>_` prefix of a token value: what is left after it is the random, secret part,
// which a server or proxy may echo on its own.
const TOKEN_PREFIX = /^pscale_[a-z]+_/;

/**
 * Each known secret, plus the random part of a `pscale_<kind>_…` token without its prefix, longest
 * first so that a whole token is replaced before the part it contains.
 */
function searchTerms(secrets: readonly string[]): string[] {
  const terms = new Set<string>();
  for (const secret of secrets) {
    terms.add(secret);
    const prefix = TOKEN_PREFIX.exec(secret);
    if (prefix) terms.add(secret.slice(prefix[0].length));
    const colon = secret.indexOf(":");
    const value = colon === -1 ? "" : secret.slice(colon + 1);
    const inner = TOKEN_PREFIX.exec(value);
    if (inner) terms.add(value.slice(inner[0].length));
  }
  return [...terms].filter((t) => t.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Removes credential values from text that may end up in an error message, a log line or JSON:
 * every occurrence of each known secret (also the random part of a `pscale_tkn_…` value without
 * its prefix), plus anything shaped like a PlanetScale token or an Authorization header value.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const term of searchTerms(secrets)) {
    if (out.includes(term)) out = out.split(term).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match: string, prefix: unknown) =>
      typeof prefix === "string" && prefix.length > 0 && match.startsWith(prefix)
        ? prefix + REDACTED
        : REDACTED,
    );
  }
  return out;
}

/** Shortens `text` to at most `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Turns an arbitrary thrown value (e.g. an undici or socket error) into a plain `Error` that keeps
 * only its name, code and redacted message, so that nothing the original carried (sockets,
 * request options, headers) can leak through `cause` into logs or JSON.
 */
export function sanitizeCause(value: unknown, secrets: readonly string[] = []): Error {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    const safe = new Error(redactText(value.message, secrets));
    safe.name = value.name;
    if (typeof code === "string") Object.defineProperty(safe, "code", { value: code, enumerable: true });
    // The stack of the original names only our and undici's frames, plus the message we redacted.
    if (typeof value.stack === "string") safe.stack = redactText(value.stack, secrets);
    return safe;
  }
  return new Error(redactText(String(value), secrets));
}
