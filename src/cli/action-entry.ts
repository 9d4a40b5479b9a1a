/**
 * The GitHub Action's entry (action.yml `main`, bundled into dist-action/index.mjs): the CLI's
 * `action` command, run by the runner's own Node 24 with no install.
 */
import { main } from './main.js';

await main(['action']);
