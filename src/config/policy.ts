import { type ConnectorSite, own, secretStrings } from './connector.js';
import { formatKeyPath, makeIssue } from './issues.js';
import { compileNamePattern } from './name-pattern.js';
import { locateKey, locateValue } from './positions.js';
import { hasReferences, scanReferences } from './references.js';
import { compileServerPattern, type ServerPattern, serverMatches } from './server-pattern.js';
import type { ConfigIssue, Visibility } from './types.js';

/** `policy:` as the settings file spells it (schemas/settings.schema.json). */
export interface PolicyInput {
  allowed_servers?: string[];
  require_https?: boolean;
  allowed_visibility?: Visibility[];
  required?: string[];
  name_pattern?: string;
  forbid_literal_secrets?: boolean;
}

/** The repository's rules for every connector file, compiled once per settings read. */
export interface Policy {
  allowedServers: ServerPattern[] | undefined;
  /** True unless the file says `require_https: false`: a `policy:` block opts into HTTPS. */
  requireHttps: boolean;
  allowedVisibility: Visibility[] | undefined;
  required: string[];
  namePattern: { source: string; regex: RegExp } | undefined;
  forbidLiteralSecrets: boolean;
}

/** Compiles `policy:`; a pattern that is not one comes back as `problems` (key path → why). */
export function compilePolicy(input: PolicyInput): { policy: Policy; problems: Array<[string[], string]> } {
  const problems: Array<[string[], string]> = [];
  const allowedServers = input.allowed_servers?.flatMap((text, index) => {
    const compiled = compileServerPattern(text);
    if (typeof compiled === 'string') {
      problems.push([['policy', 'allowed_servers', String(index)], compiled]);
      return [];
    }
    return [compiled];
  });
  let namePattern: Policy['namePattern'];
  if (input.name_pattern !== undefined) {
    const regex = compileNamePattern(input.name_pattern);
    if (typeof regex === 'string') problems.push([['policy', 'name_pattern'], regex]);
    else namePattern = { source: input.name_pattern, regex };
  }
  const policy: Policy = {
    allowedServers,
    requireHttps: input.require_https ?? true,
    allowedVisibility: input.allowed_visibility,
    required: input.required ?? [],
    namePattern,
    forbidLiteralSecrets: input.forbid_literal_secrets ?? false,
  };
  return { policy, problems };
}

const HINT = 'the rule is in the `policy:` block of the settings file';

/** Every rule the connector at `site` breaks, each at the place in its file that breaks it. */
export function policyIssues(site: ConnectorSite, policy: Policy): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (key: string) => locateValue(site, [...site.prefix, key]);
  const issue = (code: string, message: string, key: string, where = at(key)) =>
    issues.push(
      makeIssue(code, `${message} (${HINT})`, where, { key: formatKeyPath([...site.prefix, key]) }),
    );
  const name = own(site.data, 'name');
  const server = own(site.data, 'server');
  if (typeof server === 'string') {
    if (policy.requireHttps && !/^https:\/\//i.test(server))
      issue('policy-https', '`server` must use https (policy `require_https`)', 'server');
    if (policy.allowedServers !== undefined && !policy.allowedServers.some((p) => serverMatches(p, server)))
      issue(
        'policy-server-not-allowed',
        `\`server\` is not allowed: it matches none of policy \`allowed_servers\` (${policy.allowedServers.map((p) => `\`${p.text}\``).join(', ')})`,
        'server',
      );
  }
  const visibility = (own(site.data, 'visibility') as Visibility | undefined) ?? 'private';
  if (policy.allowedVisibility !== undefined && !policy.allowedVisibility.includes(visibility))
    issue(
      'policy-visibility',
      `visibility \`${visibility}\` is not allowed by policy \`allowed_visibility\` (${policy.allowedVisibility.join(', ')})`,
      'visibility',
      own(site.data, 'visibility') === undefined ? at('name') : at('visibility'),
    );
  for (const field of policy.required) {
    const value = own(site.data, field);
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
      issue(
        'policy-required-field',
        `\`${field}\` is required by policy \`required\``,
        field,
        locateKey(site, [...site.prefix, 'name']),
      );
  }
  if (policy.namePattern !== undefined && typeof name === 'string' && !policy.namePattern.regex.test(name))
    issue(
      'policy-name-pattern',
      `name \`${name}\` does not match policy \`name_pattern\` \`${policy.namePattern.source}\``,
      'name',
    );
  if (policy.forbidLiteralSecrets) issues.push(...literalSecretIssues(site));
  return issues;
}

/**
 * Header values and auth_data written in clear. A `global_headers` entry with `is_secret: false`
 * is not a secret (the API shows it to every reader) and may stay literal.
 */
function literalSecretIssues(site: ConnectorSite): ConfigIssue[] {
  return secretStrings(site)
    .filter(({ value, secret }) => {
      if (!secret) return false;
      const scanned = scanReferences(value);
      return scanned.problems.length === 0 && !hasReferences(scanned);
    })
    .map(({ segments }) => {
      const key = formatKeyPath(segments);
      return makeIssue(
        'policy-literal-secret',
        `\`${key}\` is written in clear; policy \`forbid_literal_secrets\` wants \`\${env:NAME}\` or \`\${file:PATH}\` (${HINT})`,
        locateValue(site, segments),
        { key },
      );
    });
}
