import * as util from "node:util";
import { mixedSources } from "./credential-sources";
import { InvalidSettingsError, MissingCredentialsError } from "./errors";

/** How the client authenticates: a service token (id + secret) or an OAuth access token. */
export type Credential =
  | { kind: "serviceToken"; id: string; token: string }
  | { kind: "accessToken"; token: string };

/** Everything the client needs; build it with {@link resolveSettings}. */
export interface Settings {
  /** Base URL, default "https://api.planetscale.com/v1", no trailing slash. */
  apiUrl: string;
  /** Default organization, if configured. */
  organization?: string;
  credential: Credential;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs: number;
  /**
   * At most this many retries of one request; 0 turns every retry off (429s included). Unset (the
   * default): no count, {@link Settings.retryTimeoutMs} bounds the retries.
   */
  maxRetries?: number | undefined;
  /**
   * How long one request keeps retrying transient failures (500/502/503/504 on idempotent
   * requests, dropped connections), from its first failure (default 60 000 ms, see
   * {@link DEFAULT_RETRY_TIMEOUT_MS}). 429s wait on their own terms (see `BackoffPolicy`).
   */
  retryTimeoutMs?: number;
  /**
   * Optional client-side cap per credential, requests per minute (default 0: none, the client
   * follows PlanetScale's 429s and `Retry-After` instead of guessing its allowance).
   */
  requestsPerMinute: number;
  /**
   * After a token, password or role create whose outcome is unknown, how long to keep looking for one that
   * PlanetScale applies late before concluding that none was made (default 10 000 ms).
   */
  lateCreateWaitMs?: number;
}

/**
 * Anything with `get(key)`: a Pulumi dynamic `ConfigureRequest`'s `config`, or a wrapper around
 * `new pulumi.Config()` in a program. Keys are full names like "planetscale:serviceToken".
 */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** PlanetScale's public API. */
export const DEFAULT_API_URL = "https://api.planetscale.com/v1";
/** Default per-request timeout. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * Default time one request keeps retrying transient failures. A minute rides out the blips an API
 * has (a deploy, a failover, a load balancer that drops connections for seconds; a 5 s outage
 * failed `pulumi up` when retries were 4, about 4 s), and still ends a real outage's run within
 * a minute with the error, instead of holding the engine's operations with nothing on screen.
 */
export const DEFAULT_RETRY_TIMEOUT_MS = 60_000;
/**
 * No client-side cap by default: waiting while PlanetScale still accepts requests only slows a
 * `pulumi up` down; its 429 answers drive the waits (see `RateLimitGate`).
 */
export const DEFAULT_REQUESTS_PER_MINUTE = 0;
/** Default wait for a late-applied create after an unknown outcome. */
export const DEFAULT_LATE_CREATE_WAIT_MS = 10_000;

/** Stack config keys read by {@link resolveSettings}. */
export const ConfigKeys = {
  serviceTokenId: "planetscale:serviceTokenId",
  serviceToken: "planetscale:serviceToken",
  accessToken: "planetscale:accessToken",
  organization: "planetscale:organization",
  apiUrl: "planetscale:apiUrl",
  timeoutMs: "planetscale:timeoutMs",
  maxRetries: "planetscale:maxRetries",
  retryTimeoutMs: "planetscale:retryTimeoutMs",
  requestsPerMinute: "planetscale:requestsPerMinute",
  lateCreateWaitMs: "planetscale:lateCreateWaitMs",
} as const;

/** Environment variables read when the stack config does not set a value. */
export const EnvVars = {
  serviceTokenId: "PLANETSCALE_SERVICE_TOKEN_ID",
  serviceToken: "PLANETSCALE_SERVICE_TOKEN",
  accessToken: "PLANETSCALE_ACCESS_TOKEN",
  organization: "PLANETSCALE_ORG",
  apiUrl: "PLANETSCALE_API_URL",
  /** The Terraform provider's name for the API URL. */
  serverUrl: "PLANETSCALE_SERVER_URL",
} as const;

const MISSING_CREDENTIALS_MESSAGE = [
  "No PlanetScale credentials found. Create a service token (pscale service-token create, or the",
  "organization's Settings → Service tokens page) and store it in the stack config:",
  `  pulumi config set ${ConfigKeys.serviceTokenId} <id>`,
  `  pulumi config set --secret ${ConfigKeys.serviceToken} <token>`,
  `or set the environment variables ${EnvVars.serviceTokenId} and ${EnvVars.serviceToken}.`,
  `An OAuth access token works too: pulumi config set --secret ${ConfigKeys.accessToken} <token>`,
  `(or ${EnvVars.accessToken}).`,
].join("\n");

interface Value {
  value: string;
  /** Where it came from, for error messages: a config key or an env var name. */
  from: string;
}

function fromConfig(config: ConfigSource | undefined, key: string): Value | undefined {
  const raw = config?.get(key);
  if (typeof raw !== "string") return undefined;
  const value = raw.trim();
  return value === "" ? undefined : { value, from: key };
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): Value | undefined {
  const raw = env[name];
  if (typeof raw !== "string") return undefined;
  const value = raw.trim();
  return value === "" ? undefined : { value, from: name };
}

/** Rejects values that would break or inject into the Authorization header. Never echoes the value. */
function checkSecret(v: Value, what: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(v.value)) {
    throw new InvalidSettingsError(
      `${v.from} contains whitespace or control characters; set it again with only the ${what} (the value is not shown).`,
    );
  }
  return v.value;
}

function inConfig(from: string): boolean {
  return from.startsWith("planetscale:");
}

/** The credential's values that will be used, before they are checked. */
type ChosenCredential =
  | { kind: "serviceToken"; id: Value | undefined; token: Value | undefined }
  | { kind: "accessToken"; token: Value | undefined };

function chooseCredential(config: ConfigSource | undefined, env: NodeJS.ProcessEnv): ChosenCredential {
  const cfgId = fromConfig(config, ConfigKeys.serviceTokenId);
  const cfgToken = fromConfig(config, ConfigKeys.serviceToken);
  const cfgAccess = fromConfig(config, ConfigKeys.accessToken);
  const envId = fromEnv(env, EnvVars.serviceTokenId);
  const envToken = fromEnv(env, EnvVars.serviceToken);
  // Config wins over env. A service-token half in config may be completed from env only when
  // allowed (see `mixedSources`); an access token in config beats a service token in env.
  const useServiceToken = cfgId || cfgToken ? true : cfgAccess ? false : Boolean(envId || envToken);
  return useServiceToken
    ? { kind: "serviceToken", id: cfgId ?? envId, token: cfgToken ?? envToken }
    : { kind: "accessToken", token: cfgAccess ?? fromEnv(env, EnvVars.accessToken) };
}

const SERVICE_TOKEN_NAMES = {
  idKey: ConfigKeys.serviceTokenId,
  tokenKey: ConfigKeys.serviceToken,
  idEnv: EnvVars.serviceTokenId,
  tokenEnv: EnvVars.serviceToken,
};

/**
 * Why the credential's sources are refused, or undefined: a service token whose id and secret come
 * from the stack config and the environment, unless allowed (see `mixedSources`). The provider
 * refuses it as it resolves its settings; a program asks too, so that every `pulumi preview`
 * refuses it, one that changes nothing included.
 * @throws InvalidSettingsError when `planetscale:allowMixedCredentials` is neither true nor false.
 */
export function credentialSourcesProblem(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const chosen = chooseCredential(config, env);
  if (chosen.kind !== "serviceToken" || !chosen.id || !chosen.token) return undefined;
  return mixedSources({ id: chosen.id.from, token: chosen.token.from }, config, SERVICE_TOKEN_NAMES);
}

function resolveCredential(config: ConfigSource | undefined, env: NodeJS.ProcessEnv): Credential {
  const chosen = chooseCredential(config, env);
  if (chosen.kind === "serviceToken") {
    const { id, token } = chosen;
    // The missing half belongs where the other one is (see `mixedSources`).
    if (!id) {
      const from = token?.from ?? ConfigKeys.serviceToken;
      const fix = inConfig(from)
        ? `run\n  pulumi config set ${ConfigKeys.serviceTokenId} <id>`
        : `set ${EnvVars.serviceTokenId}`;
      throw new MissingCredentialsError(`${from} is set but the service token id is missing: ${fix}.`);
    }
    if (!token) {
      const fix = inConfig(id.from)
        ? `run\n  pulumi config set --secret ${ConfigKeys.serviceToken} <token>`
        : `set ${EnvVars.serviceToken}`;
      throw new MissingCredentialsError(`${id.from} is set but the service token secret is missing: ${fix}.`);
    }
    const mixed = mixedSources({ id: id.from, token: token.from }, config, SERVICE_TOKEN_NAMES);
    if (mixed !== undefined) throw new InvalidSettingsError(mixed);
    const idValue = checkSecret(id, "service token id");
    if (idValue.includes(":")) {
      throw new InvalidSettingsError(`${id.from} must be the service token id alone, without ":".`);
    }
    return { kind: "serviceToken", id: idValue, token: checkSecret(token, "service token") };
  }
  if (chosen.token) return { kind: "accessToken", token: checkSecret(chosen.token, "access token") };
  throw new MissingCredentialsError(MISSING_CREDENTIALS_MESSAGE);
}

const LOOPBACK_V4 = /^127(?:\.\d{1,3}){3}$/;

/** True for hosts that never leave the machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || LOOPBACK_V4.test(host);
}

function resolveApiUrl(v: Value | undefined): string {
  if (!v) return DEFAULT_API_URL;
  const fix = `Set ${ConfigKeys.apiUrl} (or ${EnvVars.apiUrl}) to an https URL such as ${DEFAULT_API_URL}; plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost).`;
  let url: URL;
  try {
    url = new URL(v.value);
  } catch {
    throw new InvalidSettingsError(`${v.from} is not a valid URL. ${fix}`);
  }
  if (url.username || url.password) {
    throw new InvalidSettingsError(`${v.from} must not contain credentials (user:password@). ${fix}`);
  }
  if (url.search || url.hash) {
    throw new InvalidSettingsError(`${v.from} must not have a query string or fragment. ${fix}`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new InvalidSettingsError(
      `${v.from} uses ${url.protocol.replace(/:$/, "")}://${url.host}, which would send the credential unencrypted. ${fix}`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function resolveNumber<F extends number | undefined>(
  v: Value | undefined,
  fallback: F,
  rule: { min: number; max: number; what: string },
): number | F {
  if (!v) return fallback;
  const n = Number(v.value);
  if (!Number.isInteger(n) || n < rule.min || n > rule.max) {
    throw new InvalidSettingsError(
      `${v.from} must be a whole number from ${rule.min} to ${rule.max} (${rule.what}); got "${v.value.slice(0, 40)}".`,
    );
  }
  return n;
}

/**
 * Resolves client settings from stack config (a Pulumi dynamic `ConfigureRequest`'s config, or a
 * wrapper around `pulumi.Config`) with environment fallbacks. Config wins over env.
 * @throws MissingCredentialsError when no credential is configured (the message prints the
 *   `pulumi config set` commands to run), or only half of a service token.
 * @throws InvalidSettingsError for a bad URL or number.
 */
export function resolveSettings(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const credential = resolveCredential(config, env);
  const apiUrl = resolveApiUrl(
    fromConfig(config, ConfigKeys.apiUrl) ?? fromEnv(env, EnvVars.apiUrl) ?? fromEnv(env, EnvVars.serverUrl),
  );
  const organization = defaultOrganization(config, env);
  const settings: Settings = {
    apiUrl,
    credential: protectCredential(credential),
    timeoutMs: resolveNumber(fromConfig(config, ConfigKeys.timeoutMs), DEFAULT_TIMEOUT_MS, {
      min: 1,
      max: 3_600_000,
      what: "milliseconds",
    }),
    retryTimeoutMs: resolveNumber(fromConfig(config, ConfigKeys.retryTimeoutMs), DEFAULT_RETRY_TIMEOUT_MS, {
      min: 0,
      max: 3_600_000,
      what: "milliseconds",
    }),
    requestsPerMinute: resolveNumber(
      fromConfig(config, ConfigKeys.requestsPerMinute),
      DEFAULT_REQUESTS_PER_MINUTE,
      { min: 0, max: 1_000_000, what: "0 disables the client-side limit" },
    ),
    lateCreateWaitMs: resolveNumber(
      fromConfig(config, ConfigKeys.lateCreateWaitMs),
      DEFAULT_LATE_CREATE_WAIT_MS,
      { min: 0, max: 600_000, what: "milliseconds" },
    ),
  };
  if (organization) settings.organization = organization;
  const maxRetries = resolveNumber(fromConfig(config, ConfigKeys.maxRetries), undefined, {
    min: 0,
    max: 20,
    what: "retries after the first attempt; unset: as many as planetscale:retryTimeoutMs allows",
  });
  if (maxRetries !== undefined) settings.maxRetries = maxRetries;
  return settings;
}

/**
 * The default organization, the one place it is read: `planetscale:organization` from the stack
 * config, else `PLANETSCALE_ORG`; trimmed; undefined when neither is set (or both are blank).
 * Needs no credential, so `check` can use it.
 */
export function defaultOrganization(
  config: ConfigSource | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return (fromConfig(config, ConfigKeys.organization) ?? fromEnv(env, EnvVars.organization))?.value;
}

/** The settings with the credential's secret replaced, safe to print. */
export function describeSettings(settings: Settings): Record<string, unknown> {
  const { credential, ...rest } = settings;
  return {
    ...rest,
    credential:
      credential.kind === "serviceToken"
        ? { kind: credential.kind, id: credential.id, token: "[REDACTED]" }
        : { kind: credential.kind, token: "[REDACTED]" },
  };
}

/**
 * Returns a copy of the credential that prints and serialises with its secret replaced
 * (`util.inspect`, `console.log`, `JSON.stringify`), so that logging settings by mistake does not
 * leak the token. The hooks are non-enumerable: spreading or comparing the object is unaffected.
 */
export function protectCredential<C extends Credential>(credential: C): C {
  const copy = { ...credential };
  const safe = () =>
    credential.kind === "serviceToken"
      ? { kind: credential.kind, id: credential.id, token: "[REDACTED]" }
      : { kind: credential.kind, token: "[REDACTED]" };
  Object.defineProperty(copy, "toJSON", { value: safe, enumerable: false });
  Object.defineProperty(copy, util.inspect.custom, {
    value: (_depth: number, options: util.InspectOptions) => util.inspect(safe(), options),
    enumerable: false,
  });
  return copy;
}

/** The secret values in a credential, for redaction. */
export function credentialSecrets(credential: Credential): string[] {
  return credential.kind === "serviceToken"
    ? [`${credential.id}:${credential.token}`, credential.token]
    : [credential.token];
}

/** The Authorization header value for a credential. */
export function authorizationHeader(credential: Credential): string {
  return credential.kind === "serviceToken"
    ? `${credential.id}:${credential.token}`
    : `Bearer ${credential.token}`;
}
