// Resource constructors skip the stack traces Pulumi records on every property promise (their
// formatting, through the program host's source-map-support, was most of a no-change `pulumi up`'s
// program time), and leave the process as it was.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";

/** Runs `construct` and counts the stack traces formatted meanwhile (what source-map-support pays for). */
function tracesFormattedBy(construct: () => void): number {
  let traces = 0;
  const original = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, stack) => {
    if (stack.length > 0) traces += 1;
    return `${error}\n${stack.map((frame) => `    at ${frame}`).join("\n")}`;
  };
  try {
    construct();
  } finally {
    Error.prepareStackTrace = original;
  }
  return traces;
}

test("resource constructors format no promise stack traces unless PULUMI_DEBUG_PROMISE_LEAKS asks, and restore Error.stackTraceLimit", async () => {
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: () => ({}) },
    "project",
    "stack",
    false,
  );
  // Loaded after the mocks are set, as a program loads it.
  const { ApiToken, Branch, BranchPassword }: typeof import("../../provider") = require("../../provider");
  const limit = Error.stackTraceLimit;

  const quiet = tracesFormattedBy(() => {
    const branch = new Branch("quiet", { database: "app" });
    new ApiToken("quiet", { scopes: ["read_only"], databases: ["app"], ttl: "1h" });
    new BranchPassword("quiet", { branch, database: "app" });
  });
  // One per resource remains: its source position, which Pulumi takes with a limit of its own.
  assert.equal(quiet, 3);
  assert.equal(Error.stackTraceLimit, limit);

  // A constructor that throws still restores the limit.
  assert.throws(() => new Branch("", { database: "app" }), /name/);
  assert.equal(Error.stackTraceLimit, limit);

  process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
  try {
    const debugged = tracesFormattedBy(() => new Branch("debugged", { database: "app" }));
    // Four promises per declared property, each with a trace: these are what the default skips.
    assert.ok(debugged > 4 * 15, `${debugged} traces`);
  } finally {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  }
});
