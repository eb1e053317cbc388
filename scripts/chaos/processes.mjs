// Finding the processes a `pulumi` run started, so a chaos run can SIGKILL exactly one of them: the
// CLI itself or its dynamic-provider host. Reads /proc (Linux), and only ever signals a descendant
// of a process this script started.
import { readdirSync, readFileSync } from "node:fs";

/** Parent pid and command line of a live process, or undefined once it is gone. */
function describe(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the fields after it are fixed.
    const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return { pid, ppid: Number(ppid), state, cmdline };
  } catch {
    return undefined;
  }
}

/** Every live descendant of `root` (not `root` itself), with its command line. */
export function descendants(root) {
  const all = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => describe(Number(name)))
    .filter((p) => p !== undefined && p.state !== "Z");
  const found = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) {
      if (!parents.has(p.ppid) || parents.has(p.pid)) continue;
      parents.add(p.pid);
      found.push(p);
      grew = true;
    }
  }
  return found;
}

/** Which process of a run a kill point targets. */
export const TARGETS = {
  /** The `pulumi` CLI (the engine). */
  cli: (p) => p.cmdline[0]?.endsWith("/pulumi") === true,
  /** The Node.js dynamic-provider host the engine started (`@pulumi/pulumi/cmd/dynamic-provider`). */
  host: (p) => p.cmdline.some((arg) => arg.includes("cmd/dynamic-provider")),
};

/** SIGKILLs the first descendant of `root` that `target` matches; returns its pid, or undefined. */
export function killDescendant(root, target) {
  const victim = descendants(root).find(TARGETS[target]);
  if (!victim) return undefined;
  try {
    process.kill(victim.pid, "SIGKILL");
    return victim.pid;
  } catch {
    return undefined;
  }
}

/** Whether a process is still running (a zombie waiting for its parent is not). */
export function alive(pid) {
  const p = describe(pid);
  return p !== undefined && p.state !== "Z";
}
