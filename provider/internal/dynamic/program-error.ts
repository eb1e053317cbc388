import * as pulumi from "@pulumi/pulumi";

/**
 * A `pulumi.RunError` for a mistake in the program, without stack frames. The Pulumi SDK prints a
 * RunError's message only, but its program runner also renders every unhandled error with
 * `util.inspect(err, { colors: true })` for a tracing event, and on Node 20.19.6 to 20.20.x that
 * call loops until the heap is exhausted on a stack frame in a scoped package whose source map
 * points at a file right under the scope (`node_modules/@pulumi/output.ts`, which every error
 * thrown in an `apply` has): nodejs/node#64011, fixed by nodejs/node#64022. A refusal that should
 * take a second took minutes and gigabytes of memory. The frames would only ever be hidden.
 */
export function programError(message: string): pulumi.RunError {
  const error = new pulumi.RunError(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}
