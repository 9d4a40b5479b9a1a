/** One sentence saying what to install, or undefined when `version` (like "v24.1.0") will do. */
export function nodeVersionProblem(version: string): string | undefined;
export const REQUIRED_NODE_MAJOR: number;
