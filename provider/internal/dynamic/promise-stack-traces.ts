/**
 * Pulumi's Node SDK records a stack trace on each of the four promises it makes per resource
 * property (`debuggablePromise` in `@pulumi/pulumi/runtime/debuggable`). It reads them only to
 * explain a leaked promise when `PULUMI_DEBUG_PROMISE_LEAKS` is set, yet formats every one at
 * construction, through the program host's `source-map-support`. Our resources declare every
 * output (a dynamic resource exposes only those), so that cost was 15–45 ms per resource: 0.9 s of
 * a no-change `pulumi up` of 40 resources, against 0.06 s without the traces.
 */

/**
 * Turns stack capture off until the returned function is called; a no-op when
 * `PULUMI_DEBUG_PROMISE_LEAKS` asks for the traces. Call it right before a resource's `super(...)`
 * and restore in `finally`: the constructor is synchronous, so only Pulumi's constructor code runs
 * meanwhile. An error it throws there (a missing resource name, say) keeps its message but has no
 * frames; compute the props before calling this, so our own input errors keep theirs.
 *
 * @returns the function that restores the previous `Error.stackTraceLimit`
 */
export function suspendPromiseStackTraces(): () => void {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return () => {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
