/** The V8 flags the launcher sets for a command (its first non-option argument). */
export function v8FlagsFor(command: string | undefined): string[];
