import type { PulumiCli } from "./pulumi-cli";
import { listStacks } from "./stacks";

/** A lock of a stack, as the Pulumi CLI reports it: which run holds the stack. */
export interface StackLock {
  /** Where the backend keeps it (credentials masked by Pulumi). */
  where: string;
  pid: number;
  hostname: string;
  username: string;
  /** When the locking run started, in the locking machine's clock (to the second). */
  timestamp: number;
}

/** Who holds a stack: nobody, these runs, or (Pulumi Cloud) an update whose holder is not named. */
export type LockState =
  | { kind: "none" }
  | { kind: "locked"; locks: StackLock[] }
  | { kind: "update-in-progress" };

/** The backends that keep locks as objects beside the state (Pulumi's "DIY" backends). */
const DIY_SCHEMES = /^(file|s3|gs|azblob|postgres|postgresql):\/\//i;

/** Whether the backend keeps lock objects that name their holder (every backend but Pulumi Cloud). */
export function keepsLockObjects(backendUrl: string): boolean {
  return DIY_SCHEMES.test(backendUrl);
}

const LOCK_LINE = /^\s*(\S+): created by (.*)@([^@\s]*) \(pid (-?\d+)\) at (\S+)\s*$/;

/** The locks a "the stack is currently locked" error of the Pulumi CLI lists. */
export function parseLockError(text: string): StackLock[] | undefined {
  if (!/currently locked by \d+ lock/.test(text)) return undefined;
  const locks: StackLock[] = [];
  for (const line of text.split("\n")) {
    const m = LOCK_LINE.exec(line);
    if (!m) continue;
    locks.push({
      where: m[1] as string,
      username: m[2] as string,
      hostname: m[3] as string,
      pid: Number(m[4]),
      timestamp: Date.parse(m[5] as string),
    });
  }
  return locks;
}

/**
 * Who holds `stack`, through the CLI only. On backends that keep lock objects (file, PostgreSQL,
 * S3, GCS, Azure), the CLI names a lock's holder only when it refuses to take the stack, so this
 * asks it to rename the stack to its own name: a stack that is locked is refused with every lock
 * listed (pid, host, user, start time); one that is not is locked for an instant and the rename is
 * refused because the name exists, which changes nothing. Pulumi Cloud tracks runs itself:
 * `pulumi stack ls` says whether an update is in progress (it names no process).
 */
export async function probeLocks(cli: PulumiCli, stack: string, backendUrl: string): Promise<LockState> {
  if (!keepsLockObjects(backendUrl)) {
    const summary = (await listStacks(cli)).find((s) => s.name === stack || s.name.endsWith(`/${stack}`));
    return summary?.updateInProgress ? { kind: "update-in-progress" } : { kind: "none" };
  }
  const args = ["stack", "rename", stack, "--stack", stack];
  const result = await cli.exec(args);
  const text = `${result.stderr}\n${result.stdout}`;
  const locks = parseLockError(text);
  if (locks !== undefined) return { kind: "locked", locks };
  if (result.code !== 0 && /already exists/.test(text)) return { kind: "none" };
  throw cli.failure(args, result);
}

/** `pulumi cancel`: removes every lock of the stack (or cancels Pulumi Cloud's update in progress). */
export async function cancelLocks(cli: PulumiCli, stack: string): Promise<void> {
  await cli.run(["cancel", "--yes", "--stack", stack]);
}
