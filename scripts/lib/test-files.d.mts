/** Types of scripts/lib/test-files.mjs, for its tests. */

export const CLI_TIER_DIRS: string[];
export const TEST_CONCURRENCY: number;
export const DURATIONS_FILE: string;
export function findTests(root: string, durations?: Record<string, number>): string[];
export function longestFirst(files: string[], durations?: Record<string, number>): string[];
export function needsCli(file: string): boolean;
export function readDurations(): Record<string, number>;
export function writeDurations(durations: Record<string, number>): void;
export function reporterArgs(root: string, options?: { durations?: boolean }): string[];
export const FILE_TIMEOUT_MS: number;
export const TS_REGISTER: string;
export const COMPILE_CACHE: string;
export const DEFER_SDK_MODULES: string;
export function testEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function packForRun(env: NodeJS.ProcessEnv): void;
export const RUN_IN_ORDER: string;
export function testRunArgs(files: string[], options?: string[]): string[];
