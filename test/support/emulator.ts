/** Starting the in-process emulator the way every test wants it. */
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator";

export type { Emulator };

/** A service-token credential, as sent in `Authorization: <id>:<token>`. */
export interface Credential {
  id: string;
  token: string;
}

/** The fixed admin credential every test emulator is started with. */
export const ADMIN: Credential = { id: "admintest001", token: "pscale_tkn_admin_for_tests_only_0000000000" };

/**
 * Starts an in-process emulator for a test: quiet, the fixed {@link ADMIN} credential, a short
 * readiness delay (tests wait on readiness itself, never on this figure), strict about unknown body
 * fields so a misspelt field in our client fails the test instead of being ignored, and a rate limit
 * high enough not to interfere (the rate-limit tests set their own).
 */
export function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    quiet: true,
    strict: true,
    readyDelayMs: 100,
    adminToken: ADMIN,
    rateLimitPerMinute: 100_000,
    ...options,
  });
}
