/**
 * Fault injection settings: what `startEmulator({faults})`, `setFaults` and `PUT /_emulator/faults`
 * accept. The pipeline's fault stages (`pipeline/fault-rules.ts`, `pipeline/faults.ts`) apply them.
 */
import { z } from "zod";
import { parseOrThrow } from "./validation";

const probability = z.number().min(0).max(1);
const status = z.number().int().min(100).max(599);

/** A targeted, deterministic fault: matches requests by method and path, fires `times` times. */
export const FaultRule = z.strictObject({
  /** HTTP method to match (any when omitted). */
  method: z.string().min(1).optional(),
  /** Glob over the path after `/v1`: `*` matches within one segment, `**` any number of segments. */
  path: z.string().min(1),
  /**
   * `status`: answer without acting; `drop`: destroy the socket; `fail-after-acting`: act, then
   * fail; `apply-late`: fail now (as `mode` says), then act `delayMs` later, as a backend that
   * applies a timed-out request after the client gave up.
   */
  action: z.enum(["status", "drop", "fail-after-acting", "apply-late"]),
  /** Status to answer (`status` default 500; `fail-after-acting` default 500). */
  status: status.optional(),
  /** Body to answer instead of the default PlanetScale-style error body. */
  body: z.unknown().optional(),
  /** Extra response headers (e.g. `Retry-After`). */
  headers: z.record(z.string(), z.string()).optional(),
  /** How many matching requests it applies to (default 1). */
  times: z.number().int().min(1).optional(),
  /** For `fail-after-acting` and `apply-late`: answer `status` (default) or drop the connection. */
  mode: z.enum(["status", "drop"]).optional(),
  /** For `apply-late`: how long after failing the request is applied (default 2000 ms). */
  delayMs: z.number().int().min(0).max(600_000).optional(),
});
/** A targeted, deterministic fault: matches requests by method and path, fires `times` times. */
export type FaultRule = z.infer<typeof FaultRule>;

/**
 * Fault injection settings (used by `PUT /_emulator/faults` and `startEmulator`); replaced as a
 * whole by `setFaults` / `PUT /_emulator/faults`.
 */
export const FaultSettings = z.strictObject({
  /** Added to every /v1 request before it is handled. */
  latencyMs: z.number().min(0).max(600_000).optional(),
  /** Random extra latency in [0, jitterMs). */
  jitterMs: z.number().min(0).max(600_000).optional(),
  /** Probability (0..1) of answering each status instead of handling the request. */
  statusProbability: z
    .strictObject({
      "429": probability.optional(),
      "500": probability.optional(),
      "502": probability.optional(),
      "503": probability.optional(),
    })
    .optional(),
  /** Probability of destroying the socket without answering. */
  dropProbability: probability.optional(),
  /** Probability of applying a change (POST/PUT/PATCH/DELETE), then answering 5xx or dropping. */
  failAfterActing: z
    .strictObject({ probability, mode: z.enum(["status", "drop"]), status: status.optional() })
    .optional(),
  /** Targeted faults, checked in order before the random ones. */
  rules: z.array(FaultRule).optional(),
});
/** Fault injection settings; replaced as a whole by `setFaults` / `PUT /_emulator/faults`. */
export type FaultSettings = z.infer<typeof FaultSettings>;

/** Validates fault settings, throwing an Error that explains every problem. */
export function parseFaults(value: unknown): FaultSettings {
  return parseOrThrow(FaultSettings, value, "invalid fault settings");
}
