/** Types of scripts/lib/example-lock.mjs. */
export const OWN_ENTRY: string;
export function exampleProjects(): string[];
export function relock(dir: string, options: { registry: string; userconfig?: string }): Promise<void>;
export function lockDifferences(
  committed: Record<string, unknown>,
  relocked: Record<string, unknown>,
  options?: { ownIntegrity?: boolean },
): string[];
