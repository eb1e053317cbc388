/**
 * Runs an inline program whose failure is, as in every Pulumi program, an unhandled rejection: the
 * Automation API's own handler reports it and fails the run. node:test would also count it against
 * the test file, so its handlers are set aside for the duration (the program runs in this process).
 */
export async function expectingProgramFailure<T>(run: () => Promise<T>): Promise<T> {
  const runners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const seen: unknown[] = [];
  const keep = (reason: unknown) => seen.push(reason);
  process.on("unhandledRejection", keep);
  try {
    return await run();
  } finally {
    // Let rejections raised while the run ended reach `keep`, not the runner.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", keep);
    for (const listener of runners) process.on("unhandledRejection", listener);
  }
}
