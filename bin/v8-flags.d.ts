/** The one growth of validate's young generation (a factor of its 1 MB semi-spaces). */
export const YOUNG_GROWTH: number;

/** The V8 flags the launcher sets for a command (its first non-option argument). */
export function v8FlagsFor(command: string | undefined): string[];

/** Holds validate's young generation at its size once it has grown (no-op for other commands). */
export function holdYoungGeneration(
  command: string | undefined,
  v8: Pick<typeof import('node:v8'), 'getHeapSpaceStatistics' | 'setFlagsFromString'>,
): void;
