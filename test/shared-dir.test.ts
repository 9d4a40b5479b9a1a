import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npm test without the shared docs', () => {
  it('says in one sentence where the API reference is expected and how to point at it, exit 1', async () => {
    const env = { ...process.env, CONNECTOR_SYNC_SHARED_DIR: '/nonexistent/shared' };
    const failure = await run(process.execPath, ['test/support/shared-dir.ts'], { env }).catch((e) => e);
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('/nonexistent/shared/api/connectors-openapi.yaml'),
    ]);
    expect(failure.stderr).toContain('CONNECTOR_SYNC_SHARED_DIR');
    expect(failure.stderr).not.toMatch(/ENOENT|\bat \S+:\d+/);
  });

  it('passes silently when the reference is there', async () => {
    const { stdout, stderr } = await run(process.execPath, ['test/support/shared-dir.ts']);
    expect(stdout + stderr).toBe('');
  });
});
