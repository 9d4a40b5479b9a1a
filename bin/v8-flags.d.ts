/** The one growth of a one-shot command's young generation (a factor of its 1 MB semi-spaces). */
export const YOUNG_GROWTH: number;

/** The V8 flags the launcher sets for a command (its first non-option argument). */
export function v8FlagsFor(command: string | undefined): string[];

/** Holds a one-shot command's young generation at its size once it has grown (no-op for the daemon). */
export function holdYoungGeneration(
  command: string | undefined,
  v8: Pick<typeof import('node:v8'), 'getHeapSpaceStatistics' | 'setFlagsFromString'>,
): void;
