import { PlanetScaleClient } from "./client";
import { credentialFingerprint } from "./credential-key";
import { closeSharedDispatcher } from "./dispatcher";
import { resetRateLimitGates } from "./rate-limit-gate";
import { resetRateLimiters } from "./rate-limiter";
import type { Settings } from "./settings";

const clients = new Map<string, PlanetScaleClient>();

/**
 * One client per distinct settings (credential, URL, organization, limits) per process. All share
 * one keep-alive pool and one rate-limit gate (and opt-in limiter) per credential.
 */
export function getClient(settings: Settings): PlanetScaleClient {
  const key = [
    credentialFingerprint(settings),
    settings.apiUrl,
    settings.organization ?? "",
    settings.timeoutMs,
    settings.maxRetries,
    settings.retryTimeoutMs,
    settings.requestsPerMinute,
  ].join("|");
  let client = clients.get(key);
  if (!client) {
    client = new PlanetScaleClient(settings);
    clients.set(key, client);
  }
  return client;
}

/** Closes the shared connection pool and forgets cached clients and limiters (tests, CLI shutdown). */
export async function closeAllClients(): Promise<void> {
  clients.clear();
  resetRateLimiters();
  resetRateLimitGates();
  await closeSharedDispatcher();
}
