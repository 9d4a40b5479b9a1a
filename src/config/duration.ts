/** A duration as people write it in flags and settings: `500ms`, `90s`, `15m`, `1h`. */
export const DURATION_PATTERN = /^([1-9][0-9]*)(ms|s|m|h)$/;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration, or null when it is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  return match === null ? null : Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** The shortest way to write `ms` back (`15m`, `90s`, `250ms`). */
export function formatDuration(ms: number): string {
  for (const unit of ['h', 'm', 's'] as const) {
    if (ms >= UNIT_MS[unit]! && ms % UNIT_MS[unit]! === 0) return `${ms / UNIT_MS[unit]!}${unit}`;
  }
  return `${ms}ms`;
}
