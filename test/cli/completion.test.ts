/**
 * `connector-sync completion SHELL`: scripts made from the command tree, so every command and flag
 * of this version completes, and a script the shell itself accepts.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CliWorld, openCliWorld } from './harness.js';

let world: CliWorld;

beforeAll(async () => {
  world = await openCliWorld();
});

afterAll(async () => {
  await world.close();
});

const COMMANDS = ['validate', 'sync', 'diff', 'auth', 'export', 'probe', 'emulator', 'daemon', 'completion'];

function has(shell: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${shell}`]);
    return true;
  } catch {
    return false;
  }
}

/** What bash completes after `words` (the last one being typed), with the script loaded. */
function bashCompletes(script: string, words: string[]): string[] {
  const program = [
    script,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: bash's own ${...}, not a template
    '_connector_sync_complete; printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return execFileSync('bash', ['-c', program]).toString().trim().split('\n');
}

describe('completion', () => {
  test('bash: every command, the flags of each and the values of a flag with choices', async () => {
    const run = await world.run(['completion', 'bash']);
    expect(run.code).toBe(0);
    expect(bashCompletes(run.stdout, ['connector-sync', ''])).toEqual(expect.arrayContaining(COMMANDS));
    expect(bashCompletes(run.stdout, ['connector-sync', 'sync', '--pr'])).toEqual(['--prune', '--protect']);
    expect(bashCompletes(run.stdout, ['connector-sync', 'sync', '-o', ''])).toEqual([
      'text',
      'json',
      'markdown',
    ]);
    expect(bashCompletes(run.stdout, ['connector-sync', 'daemon', '--sch'])).toEqual(['--schedule']);
    // the hidden command stays hidden
    expect(run.stdout).not.toMatch(/\baction\)/);
  });

  test('the flags come from the command tree: every flag sync --help shows completes', async () => {
    const script = (await world.run(['completion', 'bash'])).stdout;
    const help = (await world.run(['sync', '--help'])).stdout;
    const flags = [...help.matchAll(/(--[a-z][a-z-]+)/g)].map((match) => match[1]!);
    const completed = bashCompletes(script, ['connector-sync', 'sync', '--']);
    for (const flag of new Set(flags)) expect(completed, flag).toContain(flag);
  });

  test.skipIf(!has('zsh'))('zsh: a script zsh parses', async () => {
    const run = await world.run(['completion', 'zsh']);
    expect(run.stdout.startsWith('#compdef connector-sync\n')).toBe(true);
    execFileSync('zsh', ['-n', '-c', run.stdout]);
  });

  test('fish: one line per command and flag, choices as arguments', async () => {
    const run = await world.run(['completion', 'fish']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS) expect(run.stdout).toContain(`-a ${command} -d '`);
    expect(run.stdout).toContain(
      '-n "__fish_seen_subcommand_from sync" -l output -s o -x -a "text json markdown"',
    );
    if (has('fish')) execFileSync('fish', ['-n', '-c', run.stdout]);
  });

  test('another shell is a usage error naming the ones there are', async () => {
    const run = await world.run(['completion', 'tcsh']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bash, zsh, fish');
  });
});
