/** `duplicateNames`: a starting state with several connectors of one name, for clients to be tested against. */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/index.js';
import { call } from './helpers.js';

const twin = (id: string, description: string) => ({
  id,
  name: 'twin',
  description,
  server: 'https://twin.example.com/mcp',
});
const FIRST = '11111111-1111-4111-8111-111111111111';
const SECOND = '22222222-2222-4222-8222-222222222222';

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('emulator seed with duplicate names', () => {
  it('refuses a repeated name unless duplicateNames is set', async () => {
    await expect(startEmulator({ seed: [twin(FIRST, 'a'), twin(SECOND, 'b')] })).rejects.toThrow(
      /also used by connectors\[0\]/,
    );
  });

  it('lists both, still refuses a create or rename into the name, and hands the name on after a delete', async () => {
    emulator = await startEmulator({
      builtins: false,
      duplicateNames: true,
      seed: [
        twin(FIRST, 'a'),
        twin(SECOND, 'b'),
        { name: 'other', description: 'o', server: 'https://o.example.com' },
      ],
    });
    const listed = (await call(emulator, 'GET', '/v1/connectors?page_size=10')).json as {
      items: Array<{ id: string; name: string }>;
    };
    expect(listed.items.filter((item) => item.name === 'twin').map((item) => item.id)).toEqual([
      FIRST,
      SECOND,
    ]);
    const create = await call(emulator, 'POST', '/v1/connectors', {
      body: { name: 'twin', description: 'c', server: 'https://c.example.com/mcp' },
    });
    expect(create.status).toBe(409);
    const other = emulator.store.get('other')!;
    expect(
      (await call(emulator, 'PATCH', `/v1/connectors/${other.id}`, { body: { name: 'twin' } })).status,
    ).toBe(409);
    expect(emulator.store.get('twin')?.id).toBe(FIRST);
    expect((await call(emulator, 'DELETE', `/v1/connectors/${FIRST}`)).status).toBe(200);
    expect(emulator.store.get('twin')?.id).toBe(SECOND);
  });
});
