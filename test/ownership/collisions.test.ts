// Level 1: two resources of one program that name one PlanetScale object are refused with an error
// the Pulumi program runner can print at once (chaos scenario 2 took minutes before).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { uniqueRemoteName } from "../../provider/internal/ownership/collisions";

/** The value an Output settles to, or its rejection (its other promises reject with it: handled). */
function settle<T>(output: pulumi.Output<T> | undefined): Promise<T> {
  assert.ok(output);
  const internals = output as unknown as {
    promise(): Promise<T>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    allResources?: () => Promise<unknown>;
  };
  for (const other of [internals.isKnown, internals.isSecret, internals.allResources?.()])
    other?.catch(() => {});
  return internals.promise();
}

const branchKey = (branch: string, organization: string, [database]: string[]) => ({
  key: `branch ${organization}/${database}/${branch}`,
  what: `branch '${branch}' of ${organization}/${database}`,
});

test("a second resource naming the same branch is refused, naming both, with an error that carries no stack frames", async () => {
  const first = uniqueRemoteName('Branch "api"', "pr-7", ["acme", "app"], branchKey);
  assert.equal(await settle(first), "pr-7");
  const second = uniqueRemoteName('Branch "web"', pulumi.output("pr-7"), ["acme", "app"], branchKey);
  const error = await settle(second).then(
    () => assert.fail("the second resource was not refused"),
    (e: Error) => e,
  );
  assert.ok(pulumi.RunError.isInstance(error), "a RunError: the SDK prints its message only");
  assert.match(error.message, /Branch "web" and Branch "api" both manage branch 'pr-7' of acme\/app/);
  // Pulumi's program runner also renders every unhandled error with util.inspect(err, { colors:
  // true }); on Node 20.19.6–20.20.x that loops until the heap is exhausted on a frame such as
  // `node_modules/@pulumi/output.ts:516:31`, which an error thrown in an apply has
  // (nodejs/node#64011). With no frame, nothing reaches that code.
  assert.doesNotMatch(String(error.stack), /\n\s+at /, "no stack frame");
  assert.equal(error.stack, `${error.name}: ${error.message}`);
});

test("another database, or the same resource registered again, is not a collision", async () => {
  const a = uniqueRemoteName('Branch "a"', "pr-8", ["acme", "app"], branchKey);
  const b = uniqueRemoteName('Branch "b"', "pr-8", ["acme", "other"], branchKey);
  const again = uniqueRemoteName('Branch "a"', "pr-8", ["acme", "app"], branchKey);
  assert.deepEqual(await Promise.all([settle(a), settle(b), settle(again)]), ["pr-8", "pr-8", "pr-8"]);
});
