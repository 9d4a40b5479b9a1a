// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are connector-file text, where ${var:...} is the syntax under test
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/config/load.js';
import {
  environmentNames,
  loadSettings,
  type Settings,
  settingsForEnvironment,
  varsFor,
} from '../../src/config/settings.js';

const KEY_LIKE = 'aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY';

function folder(settings: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'envs-'));
  writeFileSync(join(dir, '.connector-sync.yaml'), settings);
  return dir;
}

const load = (dir: string, env: Record<string, string> = {}, flags = {}) =>
  loadSettings({ cwd: dir, env, flags });

const TWO = `prune: true
max_deletes: 5
paths: [connectors]
environments:
  staging:
    api_key_env: MISTRAL_API_KEY_STAGING
    max_deletes: 50
    vars: { host: staging.example.com, replicas: 2, beta: true }
  prod:
    api_key_file: secrets/prod.key
    prune: false
    vars: { host: example.com }
`;

describe('environments in the settings file', () => {
  it('lists the names in file order, none when the file declares none', async () => {
    expect(environmentNames(await load(folder(TWO)))).toEqual(['staging', 'prod']);
    expect(environmentNames(await load(folder('prune: true\n')))).toEqual([]);
  });

  it('layers flags > variables > the environment > the top level > defaults', async () => {
    const dir = folder(TWO);
    const staging = settingsForEnvironment(await load(dir), 'staging');
    expect(staging.settings).toMatchObject({ prune: true, maxDeletes: 50, paths: ['connectors'], scope: [] });
    expect(staging.vars).toEqual({ host: 'staging.example.com', replicas: '2', beta: 'true' });
    expect(staging.settings.environment).toMatchObject({
      name: 'staging',
      apiKey: { env: 'MISTRAL_API_KEY_STAGING' },
    });
    const prod = settingsForEnvironment(await load(dir), 'prod');
    expect(prod.settings).toMatchObject({ prune: false, maxDeletes: 5 });
    expect(prod.settings.environment?.apiKey).toEqual({
      file: join(dir, 'secrets/prod.key'),
      written: 'secrets/prod.key',
    });
    const fromVariable = await load(dir, { CONNECTOR_SYNC_MAX_DELETES: '7' });
    expect(settingsForEnvironment(fromVariable, 'staging').settings.maxDeletes).toBe(7);
    const fromFlag = await load(dir, { CONNECTOR_SYNC_MAX_DELETES: '7' }, { max_deletes: 9 });
    expect(settingsForEnvironment(fromFlag, 'staging').settings.maxDeletes).toBe(9);
    // the top level without an environment is unchanged
    expect((await load(dir)).maxDeletes).toBe(5);
  });

  it('keeps environments out of the printed settings', async () => {
    const settings = await load(folder(TWO));
    expect(Object.keys(settings)).not.toContain('environments');
    expect(JSON.stringify(settingsForEnvironment(settings, 'prod').settings)).not.toContain('layers');
  });

  it('refuses an unknown environment as a usage error listing the names, with a suggestion', async () => {
    const settings = await load(folder(TWO));
    expect(() => settingsForEnvironment(settings, 'stagign')).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message: expect.stringMatching(/did you mean staging\?.*staging, prod/),
      }),
    );
    const none = await load(folder('prune: true\n'));
    expect(() => settingsForEnvironment(none, 'prod')).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message: expect.stringContaining('declares no environments'),
      }),
    );
  });

  it('marks the api_url an environment sets as the repository’s choice, unless the operator names one', async () => {
    const dir = folder(
      'api_url: https://api.mistral.ai\nenvironments:\n  eu:\n    api_key_env: K\n    api_url: https://eu.example.com\n  us:\n    api_key_env: K\n',
    );
    const eu = settingsForEnvironment(await load(dir), 'eu').settings;
    expect(eu.apiUrl).toBe('https://eu.example.com');
    expect(eu.apiUrlSetIn).toMatch(/\.connector-sync\.yaml:5:14$/);
    expect(settingsForEnvironment(await load(dir), 'us').settings.apiUrlSetIn).toMatch(/yaml:1:10$/);
    const named = await load(dir, { CONNECTOR_SYNC_API_URL: 'https://eu.example.com' });
    expect(settingsForEnvironment(named, 'eu').settings.apiUrlSetIn).toBeUndefined();
  });
});

describe('guards of environments', () => {
  const refused = async (yaml: string) => {
    const error = await load(folder(yaml)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SETTINGS_INVALID' });
    const message = (error as Error).message;
    expect(message).not.toContain(KEY_LIKE);
    return message;
  };

  it('needs exactly one of api_key_env and api_key_file', async () => {
    expect(await refused('environments:\n  a:\n    prune: true\n')).toMatch(
      /yaml:3:5: give exactly one of api_key_env/,
    );
    expect(await refused('environments:\n  a:\n    api_key_env: K\n    api_key_file: k.txt\n')).toMatch(
      /not both/,
    );
    await expect(load(folder('environments:\n  a:\n    api_key_file: k.txt\n'))).resolves.toBeDefined();
  });

  it('refuses the key itself, wherever it is written, without repeating it', async () => {
    expect(await refused(`environments:\n  a:\n    api_key_env: ${KEY_LIKE}\n`)).toMatch(
      /yaml:3:18: api_key_env looks like an API key/,
    );
    expect(await refused(`environments:\n  a:\n    api_key_file: ${KEY_LIKE}\n`)).toMatch(
      /api_key_file looks like an API key/,
    );
    expect(await refused(`environments:\n  a:\n    api_key_env: K\n    api_key: ${KEY_LIKE}\n`)).toMatch(
      /api_key is never written in the settings file/,
    );
    // a variable name, even a long one, is not a key
    await expect(
      load(folder('environments:\n  a:\n    api_key_env: MISTRAL_API_KEY_STAGING_EU_WEST\n')),
    ).resolves.toBeDefined();
  });

  it('takes names of lower-case letters, digits and dashes only', async () => {
    expect(await refused('environments:\n  Prod:\n    api_key_env: K\n')).toMatch(
      /"Prod" is not a valid name/,
    );
    expect(await refused('environments:\n  1st:\n    api_key_env: K\n')).toMatch(/not a valid name/);
    expect(await refused(`environments:\n  ${'a'.repeat(33)}:\n    api_key_env: K\n`)).toMatch(
      /not a valid name/,
    );
    await expect(
      load(
        folder(`environments:\n  eu-west-1:\n    api_key_env: K\n  ${'a'.repeat(32)}:\n    api_key_env: K\n`),
      ),
    ).resolves.toBeDefined();
  });

  it('takes var names of letters, digits and underscores, and plain values only', async () => {
    expect(await refused('environments:\n  a:\n    api_key_env: K\n    vars: { my-host: x }\n')).toMatch(
      /"my-host" is not a valid variable name/,
    );
    expect(await refused('environments:\n  a:\n    api_key_env: K\n    vars: { host: [x] }\n')).toMatch(
      /yaml:4:\d+: environments must be string,number,boolean/,
    );
  });
});

describe('${var:NAME} in connector files', () => {
  const connectors = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'vars-'));
    writeFileSync(join(dir, 'a.yaml'), text);
    return dir;
  };
  const loadWith = async (dir: string, settings: Settings) =>
    loadDesiredState(['a.yaml'], {
      resolve: true,
      cwd: dir,
      env: { TOKEN: 'canary-token' },
      vars: varsFor(settings),
    });
  const staging = async () => settingsForEnvironment(await load(folder(TWO)), 'staging').settings;

  it('resolves in every string field, and the resolved value is what is declared', async () => {
    const dir = connectors(
      'name: api-${var:replicas}\ntitle: "API on ${var:host}"\nserver: https://${var:host}/mcp\ndescription: beta=${var:beta}\nheaders:\n  Authorization: Bearer ${env:TOKEN}\n  X-Host: ${var:host}\n',
    );
    const result = await loadWith(dir, await staging());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [connector] = result.state.connectors;
    expect(connector).toMatchObject({
      name: 'api-2',
      title: 'API on staging.example.com',
      server: 'https://staging.example.com/mcp',
      description: 'beta=true',
    });
    expect(connector?.headers?.Authorization?.reveal()).toBe('Bearer canary-token');
    expect(connector?.headers?.['X-Host']?.reveal()).toBe('staging.example.com');
  });

  it('reports an unknown variable at its file:line:column, with the known names', async () => {
    const result = await loadWith(
      connectors('name: a\nserver: https://${var:hosts}/mcp\ndescription: d\n'),
      await staging(),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'var-unknown',
        location: expect.objectContaining({ file: 'a.yaml', line: 2, column: 17 }),
        message: expect.stringMatching(/did you mean host\?.*host, replicas, beta/),
      }),
    ]);
  });

  it('reports a variable used with no environment selected, naming --env and the environments', async () => {
    const result = await loadWith(
      connectors('name: a\nserver: https://${var:host}/mcp\ndescription: d\n'),
      await load(folder(TWO)),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'var-without-env',
        message: expect.stringMatching(/--env NAME.*staging, prod/),
      }),
    ]);
  });

  it('never produces a secret reference: a value holding `${` is literal text', async () => {
    const dir = folder('environments:\n  a:\n    api_key_env: K\n    vars: { sneaky: "${env:TOKEN}" }\n');
    const settings = settingsForEnvironment(await load(dir), 'a').settings;
    const result = await loadWith(
      connectors(
        'name: a\nserver: https://x.example.com/mcp\ndescription: ${var:sneaky}\nheaders:\n  X-A: ${var:sneaky}\n',
      ),
      settings,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [connector] = result.state.connectors;
    expect(connector?.description).toBe('${env:TOKEN}');
    expect(connector?.headers?.['X-A']?.reveal()).toBe('${env:TOKEN}');
  });

  it('never joins a value ending in `$` and a following `{` into a secret reference', async () => {
    const dir = folder(
      'environments:\n  a:\n    api_key_env: K\n    vars: { dollar: "x$", brace: "{env:TOKEN}" }\n',
    );
    const settings = settingsForEnvironment(await load(dir), 'a').settings;
    const result = await loadWith(
      connectors(
        'name: a\nserver: https://x.example.com/mcp\ndescription: ${var:dollar}{env:TOKEN}\nheaders:\n  X-A: ${var:dollar}${var:brace}\n  X-B: ${var:brace}$\n',
      ),
      settings,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const [connector] = result.state.connectors;
    expect(connector?.description).toBe('x${env:TOKEN}');
    expect(connector?.headers?.['X-A']?.reveal()).toBe('x${env:TOKEN}');
    expect(connector?.headers?.['X-B']?.reveal()).toBe('{env:TOKEN}$');
  });

  it('takes only the vars the environment defines: `toString` or `__proto__` is an unknown var', async () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const result = await loadWith(
        connectors(`name: a\nserver: https://x.example.com/mcp\ndescription: d \${var:${name}}\n`),
        await staging(),
      );
      expect(result.ok, name).toBe(false);
      if (!result.ok)
        expect(
          result.issues.map((issue) => issue.code),
          name,
        ).toEqual(['var-unknown']);
    }
  });

  it('leaves `$${var:NAME}` as literal text, even with no environment', async () => {
    const result = await loadWith(
      connectors('name: a\nserver: https://x.example.com/mcp\ndescription: $${var:host}\n'),
      await load(folder(TWO)),
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.state.connectors[0]?.description).toBe('${var:host}');
  });
});
