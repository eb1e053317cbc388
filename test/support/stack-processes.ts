/**
 * Finds the processes of one test stack's run (Linux `/proc`): the `pulumi` CLI and the
 * dynamic-provider host, told apart from every other stack's by their `PULUMI_HOME`. A test kills
 * them by process id, never by name.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";

function read(pid: string, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** Process ids whose environment has `PULUMI_HOME=home` and whose command line matches. */
function find(home: string, matches: (argv: string[]) => boolean): number[] {
  const found: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const environ = read(pid, "environ");
    if (!environ?.split("\0").includes(`PULUMI_HOME=${home}`)) continue;
    const argv = (read(pid, "cmdline") ?? "").split("\0").filter(Boolean);
    if (matches(argv)) found.push(Number(pid));
  }
  return found;
}

/** The `pulumi` CLI processes of the stack whose Pulumi home is `home`. */
export function cliProcesses(home: string): number[] {
  return find(home, (argv) => basename(argv[0] ?? "") === "pulumi");
}

/** The dynamic-provider host processes (node) of that stack. */
export function hostProcesses(home: string): number[] {
  return find(home, (argv) => argv.some((a) => /[\\/]cmd[\\/]dynamic-provider([\\/]index\.js)?$/.test(a)));
}

/** Whether a process is still alive (a zombie counts as gone). */
export function alive(pid: number): boolean {
  const stat = read(String(pid), "stat");
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}
