/**
 * The stage that injects the faults a network or PlanetScale's edge would: latency, an error
 * status or a dropped connection, all before authentication and routing. A `fail-after-acting` or
 * `apply-late` decision is noted on the exchange for the `lateApply` stage, which acts first.
 */
import { type Stage, setEarlier } from "./exchange";
import type { Faults } from "./fault-rules";

/** Applies `faults` (read at each request, so settings replaced later take effect). */
export function injectFaults(faults: Faults): Stage {
  return (next) => async (exchange) => {
    const delay = faults.delay();
    if (delay > 0) await sleep(delay);
    const decision = faults.decide(exchange.method, setEarlier(exchange.subpath, "subpath", "apiPrefix"));
    if (decision.kind === "drop") {
      exchange.fault = "drop";
      return { kind: "drop" };
    }
    if (decision.kind === "status") {
      exchange.fault = "status";
      return { kind: "injected", status: decision.status, body: decision.body, headers: decision.headers };
    }
    if (decision.failAfter) exchange.afterActing = decision.failAfter;
    return next(exchange);
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
