/**
 * The stage that authenticates the caller from `Authorization` (401 otherwise), notes when a
 * service token was last used, and fixes the moment the request is handled at.
 */
import { type AdminCredential, authenticate as resolveCredential } from "../http/auth";
import { ApiError } from "../http/errors";
import type { Store } from "../state/store";
import { errorAnswer, type Stage } from "./exchange";

/** Sets {@link Exchange.credential} and {@link Exchange.now}, or answers 401. */
export function authenticate(store: Store, admin: AdminCredential): Stage {
  return (next) => async (exchange) => {
    const now = Date.now();
    try {
      exchange.credential = resolveCredential(exchange.headers.authorization, store, admin, now);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return errorAnswer(error);
    }
    if (exchange.credential.kind === "token") exchange.credential.token.lastUsedAt = now;
    exchange.now = now;
    return next(exchange);
  };
}
