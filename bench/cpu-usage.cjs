// Preloaded (NODE_OPTIONS=--require) into every Node process of a `pulumi` run by bench/cpu.mjs:
// records the process's own CPU time (user + system) under BENCH_CPU_DIR, one file per process.
// The engine may end the dynamic-provider host with a signal that skips `exit` handlers, so the
// file is rewritten every 100 ms as well (an unref'd timer: it never keeps the process alive).
"use strict";
const { readdirSync, readFileSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const dir = process.env.BENCH_CPU_DIR;

/** CPU milliseconds of the main thread and of the others (V8's compiler and GC helpers, libuv's pool), on Linux. */
function threads() {
  const split = { main: 0, others: 0 };
  try {
    for (const task of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime and stime (fields 14 and 15 of stat, 11 and 12 after the name), in clock ticks of 10 ms.
      const ms = (Number(fields[11]) + Number(fields[12])) * 10;
      split[Number(task) === process.pid ? "main" : "others"] += ms;
    }
  } catch {
    // Not Linux: the split is left out.
  }
  return split;
}
if (dir) {
  const role = process.argv.some((a) => /cmd[/\\]dynamic-provider/.test(a))
    ? "provider"
    : process.argv.some((a) => /cmd[/\\]run([/\\]|$)/.test(a))
      ? "program"
      : "other";
  const file = join(dir, `${role}-${process.pid}.json`);
  const record = () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, JSON.stringify({ role, user, system, threads: threads() }));
  };
  setInterval(record, 100).unref();
  process.on("exit", record);
  for (const signal of ["SIGINT", "SIGTERM"])
    process.once(signal, () => {
      record();
      process.kill(process.pid, signal);
    });
  // `--cpu-prof` is refused in NODE_OPTIONS: the same profile through the inspector (whose session
  // on the same thread answers synchronously), written in one-second slices for the same reason as
  // above; bench/cpu.mjs --summarize adds the slices up.
  const profiles = process.env.BENCH_CPU_PROFILE_DIR;
  if (profiles) {
    const { Session } = require("node:inspector");
    const session = new Session();
    session.connect();
    session.post("Profiler.enable");
    session.post("Profiler.setSamplingInterval", { interval: 500 });
    session.post("Profiler.start");
    let slice = 0;
    const write = (restart) => {
      session.post("Profiler.stop", (error, result) => {
        if (!error)
          writeFileSync(
            join(profiles, `${role}-${process.pid}-${slice++}.cpuprofile`),
            JSON.stringify(result.profile),
          );
      });
      if (restart) session.post("Profiler.start");
    };
    setInterval(() => write(true), 1000).unref();
    process.on("exit", () => write(false));
    for (const signal of ["SIGINT", "SIGTERM"])
      process.once(signal, () => {
        write(false);
        process.kill(process.pid, signal);
      });
  }
}
