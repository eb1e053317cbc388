/** Types of scripts/pulumi.mjs, for tests that run the CLI on a file-based program. */
import type { StdioOptions } from "node:child_process";

export function cliDirectory(): string;
export function pulumiEnv(
  cliDir: string,
  projectDir?: string,
  options?: { localBackend?: boolean; localDefaults?: boolean },
): NodeJS.ProcessEnv;
export function parseCliArgs(args: string[]): { command: string | undefined; cwd: string | undefined };
export function projectRoot(dir: string): string;
export function runPulumi(
  args: string[],
  options?: {
    projectDir?: string;
    cwd?: string;
    cliDir?: string | undefined;
    stdio?: StdioOptions;
    env?: NodeJS.ProcessEnv;
    localDefaults?: boolean;
  },
): Promise<number>;
