import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

/** The long flags `connector-sync daemon` knows. */
function daemonFlags(): Set<string> {
  const io = {
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    cwd: ROOT,
    signal: new AbortController().signal,
  };
  const daemon = buildProgram({ io, result: { exitCode: 0 } }).commands.find((c) => c.name() === 'daemon')!;
  return new Set(daemon.options.map((option) => option.long!));
}

function flagValue(args: string[], flag: string): string | undefined {
  return args.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

describe('deploy/kubernetes.yaml', () => {
  const docs = parseAllDocuments(read('deploy/kubernetes.yaml')).map((doc) => doc.toJS());
  const deployment = docs.find((doc) => doc.kind === 'Deployment');
  const container = deployment.spec.template.spec.containers[0];

  it('runs one replica with the Recreate strategy, and outlasts the shutdown timeout', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it('passes only flags the daemon knows, listening where the probes and the Service look', () => {
    const known = daemonFlags();
    for (const arg of container.args.filter((a: string) => a.startsWith('--')))
      expect(known.has(arg.split('=')[0])).toBe(true);
    expect(flagValue(container.args, '--host')).toBe('0.0.0.0');
    const port = Number(flagValue(container.args, '--port'));
    expect(container.ports[0].containerPort).toBe(port);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    const service = docs.find((doc) => doc.kind === 'Service');
    expect(Number(service.metadata.annotations['prometheus.io/port'])).toBe(port);
    expect(service.metadata.annotations['prometheus.io/path']).toBe('/metrics');
  });

  it('reads the key and the token from the mounted Secret, and reconciles the mounted ConfigMap', () => {
    const secretMount = container.volumeMounts.find((m: { name: string }) => m.name === 'secrets').mountPath;
    const keyFile = container.env.find((e: { name: string }) => e.name === 'MISTRAL_API_KEY_FILE').value;
    expect(keyFile.startsWith(`${secretMount}/`)).toBe(true);
    expect(flagValue(container.args, '--control-token-file')!.startsWith(`${secretMount}/`)).toBe(true);
    const configMount = container.volumeMounts.find((m: { name: string }) => m.name === 'connectors');
    expect(container.args.at(-1)).toBe(configMount.mountPath);
    expect(configMount.subPath).toBeUndefined();
  });

  it('holds no ConfigMap of its own: applying it never replaces the connector files created before it', () => {
    expect(docs.filter((doc) => doc.kind === 'ConfigMap')).toEqual([]);
  });

  it('writes file modes in decimal, which YAML 1.1 and 1.2 read alike (0440 is octal in one, 440 in the other)', () => {
    const text = read('deploy/kubernetes.yaml');
    expect(text).not.toMatch(/(?:default)?[mM]ode:\s*0\d+/);
    const secret = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'secrets');
    expect(secret.secret.defaultMode).toBe(0o440);
  });
});

describe('deploy/docker-compose.yml', () => {
  const service = parseYaml(read('deploy/docker-compose.yml')).services['connector-sync'];

  it('passes only flags the daemon knows and publishes its port', () => {
    const known = daemonFlags();
    for (const arg of service.command.filter((a: string) => a.startsWith('--')))
      expect(known.has(arg.split('=')[0])).toBe(true);
    expect(flagValue(service.command, '--host')).toBe('0.0.0.0');
    expect(service.ports[0]).toMatch(new RegExp(`:${flagValue(service.command, '--port')}$`));
    expect(Number.parseInt(service.stop_grace_period, 10)).toBeGreaterThan(30);
  });

  it('mounts the config folder the daemon reconciles, and the secrets it reads', () => {
    expect(service.volumes.some((v: string) => v.endsWith(`:${service.command.at(-1)}:ro`))).toBe(true);
    const token = flagValue(service.command, '--control-token-file')!;
    expect(service.secrets.map((name: string) => `/run/secrets/${name}`)).toContain(token);
    expect(service.secrets.map((name: string) => `/run/secrets/${name}`)).toContain(
      service.environment.MISTRAL_API_KEY_FILE,
    );
  });
});
