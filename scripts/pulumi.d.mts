/** Types of scripts/pulumi.mjs, for tests that run the CLI on a file-based program. */
import type { StdioOptions } from "node:child_process";

export function cliDirectory(): string;
export function pulumiEnv(cliDir: string, projectDir?: string): NodeJS.ProcessEnv;
export function runPulumi(
  args: string[],
  options?: {
    projectDir?: string;
    cliDir?: string | undefined;
    stdio?: StdioOptions;
    env?: NodeJS.ProcessEnv;
  },
): Promise<number>;
