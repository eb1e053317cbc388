/**
 * What the pipeline's stages pass along: one request (an {@link Exchange}) in, one {@link Answer}
 * out. A {@link Stage} wraps the rest of the pipeline, as an undici interceptor wraps `dispatch`:
 * it answers by itself (a fault, a 401, a 429) or calls `next` and may change what comes back.
 * `server.ts` composes the stages, in order, in one place.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Credential } from "../http/auth";
import type { ApiError } from "../http/errors";
import type { FaultRule } from "../state/fault-settings";

/** One request on its way through the pipeline, with what the stages learned about it so far. */
export interface Exchange {
  readonly method: string;
  /** The path as requested, without the query string (`/v1/organizations`). */
  readonly path: string;
  /** The query string without its `?` ("" when none). */
  readonly query: string;
  readonly headers: IncomingHttpHeaders;
  /** The body's text ("" when none). */
  readonly rawBody: string;
  /** When the request arrived (epoch ms). */
  readonly started: number;
  /** The path after `/v1`; set by the `apiPrefix` stage. */
  subpath?: string;
  /** When the request is handled (epoch ms, after injected latency); set by `authenticate`. */
  now?: number;
  /** Who is calling; set by `authenticate`. */
  credential?: Credential;
  /** What to answer after acting instead of the route's answer; set by `injectFaults`. */
  afterActing?: AfterActing;
  /** The fault injected into this request, for the request log. */
  fault?: FaultRule["action"];
  /** Unknown body fields the route ignored, for the request log. */
  ignoredFields?: string[];
}

/**
 * A `fail-after-acting` or `apply-late` fault: the route acts (at once, or `lateMs` later), and the
 * client gets this status, or a dropped connection, instead of the route's answer.
 */
export interface AfterActing {
  mode: "status" | "drop";
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by `apply-late`: answer first, act this many ms later. */
  lateMs?: number;
}

/** What the pipeline answers. */
export type Answer =
  /** A JSON body (or none, for 204 and `body: undefined`). */
  | { kind: "json"; status: number; body?: unknown }
  /** PlanetScale's `{code, message}` error, its headers and the emulator's `x-emulator-reason`. */
  | { kind: "error"; error: ApiError }
  /** An injected fault's answer, marked `x-emulator-fault: injected`. */
  | { kind: "injected"; status: number; body?: unknown; headers?: Record<string, string> | undefined }
  /** No answer: the connection is destroyed. */
  | { kind: "drop" };

/** The rest of the pipeline, from one stage's point of view. */
export type Next = (exchange: Exchange) => Promise<Answer>;

/** One step of the pipeline: answers by itself or hands the exchange to `next`. */
export type Stage = (next: Next) => Next;

/** The pipeline of `stages`, outermost first, ending in `last`. */
export function compose(stages: readonly Stage[], last: Next): Next {
  return stages.reduceRight<Next>((next, stage) => stage(next), last);
}

/** The {@link ApiError} answer. */
export function errorAnswer(error: ApiError): Answer {
  return { kind: "error", error };
}

/**
 * `value`, which the stage `setBy` sets on every exchange it hands on; throws when the stages are
 * composed out of order (a bug of the emulator, answered 500).
 */
export function setEarlier<T>(value: T | undefined, field: string, setBy: string): T {
  if (value === undefined) throw new Error(`exchange.${field} is unset: the ${setBy} stage must come first`);
  return value;
}
