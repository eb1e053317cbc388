/**
 * The stage that records every `/v1` request (and any other path outside the control API) once it
 * is answered: the request log, a line on stderr unless quiet, and a state-file write soon after.
 */
import type { Credential } from "../http/auth";
import { iso } from "../state/ids";
import type { RequestLog, RequestLogEntry } from "../state/request-log";
import type { Answer, Exchange, Stage } from "./exchange";

/** What the log stage writes to and how it tells who called. */
export interface LogTarget {
  readonly log: RequestLog;
  /** No line per request on stderr. */
  readonly quiet: boolean;
  /** Persists the request log soon (it need not be durable at once). */
  persistSoon(): void;
  /**
   * The id of the credential a request's `Authorization` header names, without side effects: for
   * requests answered before `authenticate` ran (a fault, a path outside `/v1`).
   */
  credentialIdOf(header: string | undefined): string | null;
}

/** Logs each request with its status (0 when dropped), its caller and what the stages noted. */
export function log(target: LogTarget): Stage {
  return (next) => async (exchange) => {
    const answer = await next(exchange);
    const entry = entryOf(exchange, answer, callerOf(target, exchange));
    target.log.add(entry);
    target.persistSoon();
    if (!target.quiet) process.stderr.write(`${line(exchange, entry)}\n`);
    return answer;
  };
}

function callerOf(target: LogTarget, exchange: Exchange): string | null {
  const credential: Credential | undefined = exchange.credential;
  return credential ? credential.id : target.credentialIdOf(exchange.headers.authorization);
}

function statusOf(answer: Answer): number {
  switch (answer.kind) {
    case "drop":
      return 0;
    case "error":
      return answer.error.status;
    default:
      return answer.status;
  }
}

function entryOf(exchange: Exchange, answer: Answer, credentialId: string | null): RequestLogEntry {
  return {
    method: exchange.method,
    path: exchange.path,
    query: exchange.query,
    status: statusOf(answer),
    credentialId,
    at: iso(exchange.started),
    ...(exchange.ignoredFields ? { ignoredFields: exchange.ignoredFields } : {}),
    ...(exchange.fault ? { fault: exchange.fault } : {}),
  };
}

/** `2024-… POST /v1/… -> 201 (tkn123, 4 ms) ignored unknown fields: x` */
function line(exchange: Exchange, entry: RequestLogEntry): string {
  const query = exchange.query ? `?${exchange.query}` : "";
  const status = entry.status === 0 ? "dropped" : entry.status;
  const ignored = entry.ignoredFields ? ` ignored unknown fields: ${entry.ignoredFields.join(", ")}` : "";
  return `${entry.at} ${exchange.method} ${exchange.path}${query} -> ${status} (${entry.credentialId ?? "anonymous"}, ${Date.now() - exchange.started} ms)${ignored}`;
}
