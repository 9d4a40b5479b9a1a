// Checked before anything that needs Node 24 is loaded: on an older Node the CLI would otherwise
// die on an import it cannot link, with a SyntaxError that names neither Node nor a version.
// No imports here, so this file itself loads on any Node that runs ES modules.

/** The Node major version the CLI is built and tested for. */
export const REQUIRED_NODE_MAJOR = 24;

/** One sentence saying what to install, or undefined when `version` (like "v24.1.0") will do. */
export function nodeVersionProblem(version) {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return (
    `connector-sync needs Node.js ${REQUIRED_NODE_MAJOR} or newer and this is Node.js ${version}: ` +
    `install Node ${REQUIRED_NODE_MAJOR} (https://nodejs.org, or \`nvm install ${REQUIRED_NODE_MAJOR}\`) and run it again.`
  );
}
