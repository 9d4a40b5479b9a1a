/**
 * The broken-input corpus of `connector-sync validate`, as data: each folder of
 * test/corpus/validate/ is one case (see its README.md). The case's input is copied to a
 * temporary directory, extra files are generated there (a 10 MB file is not committed), and
 * `validate` runs in-process with that directory as its working directory. What the user sees
 * (stderr and stdout, in the order written) must equal expected.txt exactly, and the exit code
 * must equal exit-code. UPDATE_CORPUS=1 rewrites both: review every change by hand.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import type { CliIO } from '../src/cli/io.js';
import { runCli } from '../src/cli/main.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus', 'validate');
const UPDATE = process.env.UPDATE_CORPUS === '1';

/** A file a case generates instead of committing it: `bytes` long, made of `line` repeated. */
interface Generated {
  path: string;
  bytes: number;
  line?: string;
}

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw error;
  }
}

async function generate(root: string, files: readonly Generated[]): Promise<void> {
  for (const file of files) {
    const line = file.line ?? '# padding to make this file too large to be a connector file\n';
    const repeated = line.repeat(Math.ceil(file.bytes / line.length)).slice(0, file.bytes);
    await writeFile(join(root, file.path), repeated);
  }
}

/** An io that records stderr and stdout together, in order, as a terminal would show them. */
function recordingIo(cwd: string, env: Record<string, string>): { io: CliIO; output: () => string } {
  let output = '';
  const stream = { write: (text: string) => (output += text), isTTY: false };
  return {
    io: { stdout: stream, stderr: stream, env, cwd, signal: new AbortController().signal },
    output: () => output,
  };
}

const cases = (await readdir(CORPUS, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory() && /^\d{3}-/.test(entry.name))
  .map((entry) => entry.name)
  .sort();
const temporary: string[] = [];

afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('validate corpus', () => {
  test('holds at least 35 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  test.each(cases)('%s', async (name) => {
    const caseDir = join(CORPUS, name);
    const work = await mkdtemp(join(tmpdir(), `validate-corpus-${name.slice(0, 3)}-`));
    temporary.push(work);
    const input = join(work, 'input');
    await cp(join(caseDir, 'input'), input, { recursive: true, verbatimSymlinks: true });
    await generate(input, await readJson<Generated[]>(join(caseDir, 'generate.json'), []));
    const env = await readJson<Record<string, string>>(join(caseDir, 'env.json'), {});
    const args = await readJson<string[]>(join(caseDir, 'args.json'), ['.']);
    const { io, output } = recordingIo(input, env);

    const code = await runCli(['validate', ...args], io);

    const shown = output();
    // never a stack trace for a user's mistake, and never "this is a bug"
    expect(shown).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(shown).not.toContain('internal error');
    if (UPDATE) {
      await writeFile(join(caseDir, 'expected.txt'), shown);
      await writeFile(join(caseDir, 'exit-code'), `${code}\n`);
      return;
    }
    expect(shown).toBe(await readFile(join(caseDir, 'expected.txt'), 'utf8'));
    expect(code).toBe(Number((await readFile(join(caseDir, 'exit-code'), 'utf8')).trim()));
  });

  test('every case has an input folder, an expected output and an exit code', async () => {
    for (const name of cases) {
      for (const required of ['input', 'expected.txt', 'exit-code']) {
        await expect(stat(join(CORPUS, name, required)), `${name}/${required}`).resolves.toBeTruthy();
      }
    }
  });
});
