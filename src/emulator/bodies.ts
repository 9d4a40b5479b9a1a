/**
 * Request bodies checked as the API's pydantic models check them (CreateConnectorRequest,
 * UpdateConnectorRequest, AuthenticationMethodCreateOrUpdateRequest, CredentialsCreateOrUpdate),
 * every problem at once, in FastAPI's 422 shape. Like pydantic's default, a field a model does not
 * define is ignored: not stored, not an error, but named in `ignored` so the request log shows it.
 * Write-only values (headers, auth_data, global header values, client secrets, credential values)
 * are never echoed in an error.
 */
import { checkHttpUrl, describeChoices } from './params.js';
import type { ValidationDetail } from './replies.js';
import type {
  StoredAuthData,
  StoredAuthMethod,
  StoredCredentialValues,
  StoredGlobalHeader,
  StoredHeaderSpec,
  StoredMethodType,
  StoredOAuthSecrets,
} from './types.js';

/** Names: 1 to 64 of A-Z a-z 0-9 _ - (the API's rule; see api/README.md). */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const NAME_PATTERN_TEXT = '^[a-zA-Z0-9_-]{1,64}$';
const URL_MAX = 2083;
const TITLE_MAX = 255;

/** Visibilities a caller may ask for: `shared_global` is reserved for Mistral's own connectors. */
export const PUBLIC_VISIBILITIES = ['shared_org', 'shared_workspace', 'private'] as const;
/** One of PUBLIC_VISIBILITIES. */
export type PublicVisibility = (typeof PUBLIC_VISIBILITIES)[number];

/** OutboundAuthenticationType. */
export const OUTBOUND_METHODS = ['oauth2', 'bearer', 'none', 'github_app', 'slack_app'] as const;
const METHOD_TYPES = [...OUTBOUND_METHODS, 'webhook'] as const;

/** A validated create body. */
export interface CreateInput {
  name: string;
  description: string;
  server: string;
  visibility: PublicVisibility;
  title: string | null;
  icon_url: string | null;
  system_prompt: string | null;
  /** "Organization-level" headers: their own store, which no update reaches. */
  headers: Record<string, unknown> | null;
  global_headers: Record<string, StoredGlobalHeader>;
  auth_data: StoredAuthData | null;
  oauth2_server_metadata: Record<string, unknown> | null;
  oauth2_server_metadata_url: string | null;
}

/** One `auth_methods` entry of a PATCH: only the fields it gave (the store decides what omitted means). */
export type AuthMethodInput = Pick<StoredAuthMethod, 'method_type' | 'auth_direction'> &
  Partial<Omit<StoredAuthMethod, 'method_type' | 'auth_direction'>>;

/** A validated update body: only the fields to change. */
export interface UpdateInput {
  name?: string;
  description?: string;
  server?: string;
  title?: string | null;
  icon_url?: string | null;
  system_prompt?: string | null;
  auth_methods?: AuthMethodInput[];
}

/** A validated credentials body; `undefined` means omitted (see the is_default rules in the store). */
export interface CredentialsInput {
  name: string;
  title?: string | null;
  is_default?: boolean;
  values?: StoredCredentialValues;
}

/** The outcome of checking a body; `ignored` lists the fields the model does not define. */
export type Checked<T> =
  | { ok: true; value: T; ignored: string[] }
  | { ok: false; detail: ValidationDetail[]; ignored: string[] };

type Body = Record<string, unknown>;
type Loc = Array<string | number>;

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What every reader of one request shares: the problems and the ignored fields. */
interface Findings {
  detail: ValidationDetail[];
  ignored: string[];
}

/** Where a field is, as a dotted path for `ignored` (`auth_methods[0].foo`). */
function dotted(loc: Loc): string {
  return loc
    .slice(1)
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** Reads the fields of one object of a body (the body itself or a nested model). */
class FieldReader {
  constructor(
    readonly body: Body,
    readonly loc: Loc,
    readonly found: Findings,
  ) {}

  has(field: string): boolean {
    return Object.hasOwn(this.body, field);
  }

  problem(detail: ValidationDetail): undefined {
    this.found.detail.push(detail);
    return undefined;
  }

  /** A reader of a nested model at `loc`, or undefined (and a problem) when the value is no object. */
  nested(value: unknown, loc: Loc): FieldReader | undefined {
    if (isObject(value)) return new FieldReader(value, loc, this.found);
    return this.problem({
      type: 'model_attributes_type',
      loc,
      msg: 'Input should be a valid dictionary or object to extract fields from',
    });
  }

  /** Notes every field outside `known` as ignored. */
  ignoreOthers(known: readonly string[]): void {
    for (const key of Object.keys(this.body)) {
      if (!known.includes(key)) this.found.ignored.push(dotted([...this.loc, key]));
    }
  }

  /** A string field; `secret` keeps the value out of the error. */
  string(
    field: string,
    rules: {
      required?: boolean;
      nullable?: boolean;
      maxLength?: number;
      minLength?: number;
      secret?: boolean;
    },
  ): string | null | undefined {
    const loc = [...this.loc, field];
    if (!this.has(field)) {
      return rules.required ? this.problem({ type: 'missing', loc, msg: 'Field required' }) : undefined;
    }
    const value = this.body[field];
    const input = rules.secret ? {} : { input: value };
    if (value === null && rules.nullable) return null;
    if (typeof value !== 'string') {
      return this.problem({ type: 'string_type', loc, msg: 'Input should be a valid string', ...input });
    }
    if (rules.maxLength !== undefined && value.length > rules.maxLength) {
      return this.problem({
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${rules.maxLength} characters`,
        ...input,
        ctx: { max_length: rules.maxLength },
      });
    }
    if (rules.minLength !== undefined && value.length < rules.minLength) {
      return this.problem({
        type: 'string_too_short',
        loc,
        msg: `String should have at least ${rules.minLength} character`,
        ...input,
        ctx: { min_length: rules.minLength },
      });
    }
    return value;
  }

  /** A string matching NAME_PATTERN. */
  name(field: string, required: boolean): string | null | undefined {
    const value = this.string(field, { required, nullable: !required });
    if (typeof value === 'string' && !NAME_PATTERN.test(value)) {
      return this.problem({
        type: 'string_pattern_mismatch',
        loc: [...this.loc, field],
        msg: `String should match pattern '${NAME_PATTERN_TEXT}'`,
        input: value,
        ctx: { pattern: NAME_PATTERN_TEXT },
      });
    }
    return value;
  }

  /** A `format: uri` string of 1 to 2083 characters (http or https, as pydantic's HttpUrl). */
  url(field: string, rules: { required?: boolean; nullable?: boolean }): string | null | undefined {
    const value = this.string(field, { ...rules, maxLength: URL_MAX, minLength: 1 });
    if (typeof value !== 'string') return value;
    const problem = checkHttpUrl(value, [...this.loc, field], value);
    return problem ? this.problem(problem) : value;
  }

  bool(field: string, rules: { nullable?: boolean } = {}): boolean | null | undefined {
    if (!this.has(field)) return undefined;
    const value = this.body[field];
    if (value === null && rules.nullable) return null;
    if (typeof value === 'boolean') return value;
    return this.problem({
      type: 'bool_type',
      loc: [...this.loc, field],
      msg: 'Input should be a valid boolean',
      input: value,
    });
  }

  int(field: string): number | null | undefined {
    if (!this.has(field)) return undefined;
    const value = this.body[field];
    if (value === null || (typeof value === 'number' && Number.isInteger(value)))
      return value as number | null;
    return this.problem({
      type: 'int_type',
      loc: [...this.loc, field],
      msg: 'Input should be a valid integer',
      input: value,
    });
  }

  enumValue<T extends string>(field: string, choices: readonly T[], fallback: T): T {
    if (!this.has(field)) return fallback;
    const value = this.body[field];
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    const expected = describeChoices(choices);
    this.problem({
      type: 'enum',
      loc: [...this.loc, field],
      msg: `Input should be ${expected}`,
      input: value,
      ctx: { expected },
    });
    return fallback;
  }

  /** A nested model: the object, or null when allowed; a problem otherwise. */
  model(field: string, nullable: boolean): FieldReader | null | undefined {
    if (!this.has(field)) return undefined;
    const value = this.body[field];
    if (value === null && nullable) return null;
    return this.nested(value, [...this.loc, field]);
  }

  /** A map (`additionalProperties`): the object, or null when allowed. Never echoed. */
  dict(field: string, nullable: boolean): Body | null | undefined {
    if (!this.has(field)) return undefined;
    const value = this.body[field];
    if (value === null && nullable) return null;
    if (!isObject(value)) {
      return this.problem({
        type: 'dict_type',
        loc: [...this.loc, field],
        msg: 'Input should be a valid dictionary',
      });
    }
    return value;
  }

  list(field: string): unknown[] | null | undefined {
    if (!this.has(field)) return undefined;
    const value = this.body[field];
    if (value === null || Array.isArray(value)) return value;
    return this.problem({
      type: 'list_type',
      loc: [...this.loc, field],
      msg: 'Input should be a valid list',
    });
  }

  protocol(): void {
    if (this.has('protocol') && this.body.protocol !== 'mcp') {
      // Only MCP connectors exist on the public endpoint (the models' protocol is const mcp).
      this.problem({
        type: 'literal_error',
        loc: [...this.loc, 'protocol'],
        msg: "Input should be 'mcp'",
        input: this.body.protocol,
        ctx: { expected: "'mcp'" },
      });
    }
  }

  /** `headers` of create: an object or null, any values. Never echoed: it holds secrets. */
  headers(): Record<string, unknown> | null | undefined {
    const value = this.dict('headers', true);
    return value === undefined || value === null ? value : { ...value };
  }

  /** A `global_headers` map of GlobalHeaderValue (`{value, is_secret = true}`). Values never echoed. */
  globalHeaders(): Record<string, StoredGlobalHeader> | undefined {
    const map = this.dict('global_headers', false);
    if (map === undefined || map === null) return undefined;
    const before = this.found.detail.length;
    const headers: Record<string, StoredGlobalHeader> = {};
    for (const [name, entry] of Object.entries(map)) {
      const read = this.nested(entry, [...this.loc, 'global_headers', name]);
      if (!read) continue;
      const value = read.string('value', { required: true, secret: true });
      const isSecret = read.bool('is_secret');
      read.ignoreOthers(['value', 'is_secret']);
      if (typeof value === 'string') headers[name] = { value, is_secret: isSecret ?? true };
    }
    return this.found.detail.length > before ? undefined : headers;
  }

  /** `auth_data` of create: `{client_id, client_secret?}` or null. Never echoed. */
  authData(): StoredAuthData | null | undefined {
    const read = this.model('auth_data', true);
    if (read === undefined || read === null) return read;
    const before = this.found.detail.length;
    const clientId = read.string('client_id', { required: true, secret: true });
    const secret = read.string('client_secret', { nullable: true, secret: true });
    read.ignoreOthers(['client_id', 'client_secret']);
    if (this.found.detail.length > before) return undefined;
    return { client_id: clientId as string, client_secret: secret ?? null };
  }

  /** `oauth2_metadata_secrets` (Oauth2MetadataSecrets) or null. Never echoed. */
  oauthSecrets(): StoredOAuthSecrets | null | undefined {
    const read = this.model('oauth2_metadata_secrets', true);
    if (read === undefined || read === null) return read;
    const before = this.found.detail.length;
    const secrets: StoredOAuthSecrets = {
      client_id: read.string('client_id', { nullable: true, secret: true }) ?? null,
      client_secret: read.string('client_secret', { nullable: true, secret: true }) ?? null,
      client_id_issued_at: read.int('client_id_issued_at') ?? null,
      client_secret_expires_at: read.int('client_secret_expires_at') ?? null,
    };
    read.ignoreOthers(Object.keys(secrets));
    return this.found.detail.length > before ? undefined : secrets;
  }

  /** `oauth2_server_metadata` (ExtendedOAuthServerMetadata) or null: the declared fields, checked. */
  serverMetadata(): Record<string, unknown> | null | undefined {
    const read = this.model('oauth2_server_metadata', true);
    if (read === undefined || read === null) return read;
    const before = this.found.detail.length;
    const metadata: Record<string, unknown> = {};
    for (const [field, kind] of Object.entries(SERVER_METADATA_FIELDS)) {
      const required = REQUIRED_METADATA.includes(field);
      let value: unknown;
      if (kind === 'url') value = read.url(field, { required, nullable: !required });
      else if (kind === 'string') value = read.string(field, { nullable: true });
      else if (kind === 'bool') value = read.bool(field, { nullable: true });
      else if (kind === 'source')
        value = read.has(field)
          ? read.enumValue(field, ['autodiscovery', 'provided'], 'provided')
          : undefined;
      else value = read.stringList(field);
      if (value !== undefined) metadata[field] = value;
    }
    read.ignoreOthers(Object.keys(SERVER_METADATA_FIELDS));
    return this.found.detail.length > before ? undefined : metadata;
  }

  stringList(field: string): string[] | null | undefined {
    const list = this.list(field);
    if (list === undefined || list === null) return list;
    if (list.every((item) => typeof item === 'string')) return list as string[];
    const index = list.findIndex((item) => typeof item !== 'string');
    return this.problem({
      type: 'string_type',
      loc: [...this.loc, field, index],
      msg: 'Input should be a valid string',
      input: list[index],
    });
  }
}

type MetadataKind = 'url' | 'string' | 'strings' | 'bool' | 'source';
/** ExtendedOAuthServerMetadata's properties (connectors-openapi.yaml). */
const SERVER_METADATA_FIELDS: Record<string, MetadataKind> = {
  issuer: 'url',
  authorization_endpoint: 'url',
  token_endpoint: 'url',
  registration_endpoint: 'url',
  scopes_supported: 'strings',
  response_types_supported: 'strings',
  response_modes_supported: 'strings',
  grant_types_supported: 'strings',
  token_endpoint_auth_methods_supported: 'strings',
  token_endpoint_auth_signing_alg_values_supported: 'strings',
  service_documentation: 'url',
  ui_locales_supported: 'strings',
  op_policy_uri: 'url',
  op_tos_uri: 'url',
  revocation_endpoint: 'url',
  revocation_endpoint_auth_methods_supported: 'strings',
  revocation_endpoint_auth_signing_alg_values_supported: 'strings',
  introspection_endpoint: 'url',
  introspection_endpoint_auth_methods_supported: 'strings',
  introspection_endpoint_auth_signing_alg_values_supported: 'strings',
  code_challenge_methods_supported: 'strings',
  client_id_metadata_document_supported: 'bool',
  x_source: 'source',
  x_resource_url: 'string',
  x_scope: 'string',
};
const REQUIRED_METADATA = ['issuer', 'authorization_endpoint', 'token_endpoint'];

const CREATE_FIELDS = [
  'protocol',
  'name',
  'title',
  'description',
  'icon_url',
  'visibility',
  'server',
  'headers',
  'global_headers',
  'auth_data',
  'oauth2_server_metadata',
  'oauth2_server_metadata_url',
  'system_prompt',
] as const;

const UPDATE_FIELDS = [
  'title',
  'name',
  'description',
  'icon_url',
  'system_prompt',
  'protocol',
  'server',
  'auth_methods',
] as const;

const AUTH_METHOD_FIELDS = [
  'method_type',
  'auth_direction',
  'headers',
  'global_headers',
  'oauth2_metadata_secrets',
  'oauth2_server_metadata',
] as const;

function notAnObject(): Checked<never> {
  return {
    ok: false,
    ignored: [],
    detail: [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
      },
    ],
  };
}

function outcome<T>(found: Findings, value: () => T): Checked<T> {
  if (found.detail.length > 0) return { ok: false, detail: found.detail, ignored: found.ignored };
  return { ok: true, value: value(), ignored: found.ignored };
}

/** Checks a POST /v1/connectors body (CreateConnectorRequest). */
export function checkCreateBody(body: unknown): Checked<CreateInput> {
  if (!isObject(body)) return notAnObject();
  const found: Findings = { detail: [], ignored: [] };
  const read = new FieldReader(body, ['body'], found);
  read.protocol();
  const name = read.name('name', true);
  const title = read.string('title', { nullable: true, maxLength: TITLE_MAX });
  const description = read.string('description', { required: true });
  const iconUrl = read.string('icon_url', { nullable: true });
  const visibility = read.enumValue('visibility', PUBLIC_VISIBILITIES, 'private');
  const server = read.url('server', { required: true });
  const headers = read.headers();
  const globalHeaders = read.globalHeaders();
  const authData = read.authData();
  const metadata = read.serverMetadata();
  const metadataUrl = read.url('oauth2_server_metadata_url', { nullable: true });
  const systemPrompt = read.string('system_prompt', { nullable: true });
  if (metadata != null && metadataUrl != null) {
    // the model's own validator: "Mutually exclusive with oauth2_server_metadata"
    read.problem({
      type: 'value_error',
      loc: ['body'],
      msg: 'Value error, oauth2_server_metadata and oauth2_server_metadata_url are mutually exclusive',
    });
  }
  read.ignoreOthers(CREATE_FIELDS);
  return outcome(found, () => ({
    name: name as string,
    description: description as string,
    server: server as string,
    visibility,
    title: title ?? null,
    icon_url: iconUrl ?? null,
    system_prompt: systemPrompt ?? null,
    headers: headers ?? null,
    global_headers: globalHeaders ?? {},
    auth_data: authData ?? null,
    oauth2_server_metadata: metadata ?? null,
    oauth2_server_metadata_url: metadataUrl ?? null,
  }));
}

/**
 * Checks a PATCH /v1/connectors/{id} body (UpdateConnectorRequest). A null name, description or
 * server means "leave as is" (a connector cannot lose them); null clears title, icon_url and
 * system_prompt. `headers`, `auth_data` and `visibility` are not fields of the model: ignored.
 */
export function checkUpdateBody(body: unknown): Checked<UpdateInput> {
  if (!isObject(body)) return notAnObject();
  const found: Findings = { detail: [], ignored: [] };
  const read = new FieldReader(body, ['body'], found);
  read.protocol();
  const name = read.name('name', false);
  const title = read.string('title', { nullable: true, maxLength: TITLE_MAX });
  const description = read.string('description', { nullable: true });
  const iconUrl = read.string('icon_url', { nullable: true });
  const systemPrompt = read.string('system_prompt', { nullable: true });
  const server = read.url('server', { nullable: true });
  const methods = readAuthMethods(read);
  read.ignoreOthers(UPDATE_FIELDS);
  return outcome(found, () => {
    const update: UpdateInput = {};
    if (typeof name === 'string') update.name = name;
    if (typeof description === 'string') update.description = description;
    if (typeof server === 'string') update.server = server;
    if (title !== undefined) update.title = title;
    if (iconUrl !== undefined) update.icon_url = iconUrl;
    if (systemPrompt !== undefined) update.system_prompt = systemPrompt;
    if (methods !== undefined && methods !== null) update.auth_methods = methods;
    return update;
  });
}

/** `auth_methods`: a list of AuthenticationMethodCreateOrUpdateRequest, or null. */
function readAuthMethods(read: FieldReader): AuthMethodInput[] | null | undefined {
  const list = read.list('auth_methods');
  if (list === undefined || list === null) return list;
  const methods: AuthMethodInput[] = [];
  list.forEach((item, index) => {
    const loc = ['body', 'auth_methods', index];
    const entry = read.nested(item, loc);
    if (!entry) return;
    const before = read.found.detail.length;
    if (!entry.has('method_type'))
      entry.problem({ type: 'missing', loc: [...loc, 'method_type'], msg: 'Field required' });
    const methodType = entry.enumValue<StoredMethodType>('method_type', METHOD_TYPES, 'none');
    const direction = entry.enumValue('auth_direction', ['inbound', 'outbound'] as const, 'outbound');
    const method: AuthMethodInput = { method_type: methodType, auth_direction: direction };
    const headers = readHeaderSpecs(entry);
    if (headers !== undefined) method.headers = headers;
    const globalHeaders = entry.globalHeaders();
    if (globalHeaders !== undefined) method.global_headers = globalHeaders;
    const secrets = entry.oauthSecrets();
    if (secrets !== undefined) method.oauth2_metadata_secrets = secrets;
    const metadata = entry.serverMetadata();
    if (metadata !== undefined) method.oauth2_server_metadata = metadata;
    entry.ignoreOthers(AUTH_METHOD_FIELDS);
    if (read.found.detail.length === before) methods.push(method);
  });
  return methods;
}

/** An auth method's `headers`: ConnectorAuthenticationHeader items (names a credential needs). */
function readHeaderSpecs(entry: FieldReader): StoredHeaderSpec[] | null | undefined {
  const list = entry.list('headers');
  if (list === undefined || list === null) return list;
  const specs: StoredHeaderSpec[] = [];
  list.forEach((item, index) => {
    const spec = entry.nested(item, [...entry.loc, 'headers', index]);
    if (!spec) return;
    const name = spec.string('name', { required: true });
    const required = spec.bool('is_required');
    const secret = spec.bool('is_secret');
    spec.ignoreOthers(['name', 'is_required', 'is_secret']);
    if (typeof name === 'string')
      specs.push({ name, is_required: required ?? true, is_secret: secret ?? true });
  });
  return specs;
}

/** Checks a POST .../{scope}/credentials body (CredentialsCreateOrUpdate). Values never echoed. */
export function checkCredentialsBody(body: unknown): Checked<CredentialsInput> {
  if (!isObject(body)) return notAnObject();
  const found: Findings = { detail: [], ignored: [] };
  const read = new FieldReader(body, ['body'], found);
  // The body has no pattern, but DELETE .../credentials/{name} has: a name outside it could never be deleted.
  const name = read.name('name', true);
  const title = read.string('title', { nullable: true, maxLength: TITLE_MAX });
  const isDefault = read.bool('is_default', { nullable: true });
  const values = readCredentialValues(read);
  read.ignoreOthers(['name', 'title', 'is_default', 'credentials']);
  return outcome(found, () => {
    const input: CredentialsInput = { name: name as string };
    if (title !== undefined) input.title = title;
    if (isDefault !== undefined && isDefault !== null) input.is_default = isDefault;
    if (values) input.values = values;
    return input;
  });
}

/** `credentials` (ConnectionCredentials) or null. */
function readCredentialValues(read: FieldReader): StoredCredentialValues | null | undefined {
  const entry = read.model('credentials', true);
  if (entry === undefined || entry === null) return entry;
  const before = read.found.detail.length;
  const headers = entry.dict('headers', true);
  if (headers) {
    for (const [header, value] of Object.entries(headers)) {
      if (typeof value !== 'string') {
        entry.problem({
          type: 'string_type',
          loc: [...entry.loc, 'headers', header],
          msg: 'Input should be a valid string',
        });
      }
    }
  }
  const bearer = entry.string('bearer_token', { nullable: true, secret: true });
  const installation = entry.string('github_installation_id', { nullable: true });
  const oauth = entry.model('oauth', true);
  if (oauth) {
    oauth.string('access_token', { required: true, secret: true });
    oauth.ignoreOthers(['access_token', 'token_type', 'expires_in', 'scope', 'refresh_token', 'expires_at']);
  }
  entry.ignoreOthers(['oauth', 'headers', 'bearer_token', 'github_installation_id']);
  if (read.found.detail.length > before) return undefined;
  return {
    headers: headers ? ({ ...headers } as Record<string, string>) : null,
    bearer_token: bearer ?? null,
    oauth: oauth ? { ...oauth.body } : null,
    github_installation_id: installation ?? null,
  };
}
