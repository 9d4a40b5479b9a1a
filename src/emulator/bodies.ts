/**
 * Request bodies of create and update, checked as the API's pydantic models check them
 * (CreateConnectorRequest, UpdateConnectorRequest), every problem at once, in FastAPI's 422 shape.
 * Values of the write-only fields (`headers`, `auth_data`) are never echoed in an error.
 */
import { checkHttpUrl, describeChoices } from './params.js';
import type { ValidationDetail } from './replies.js';
import type { StoredAuthData } from './types.js';

/** Names: 1 to 64 of A-Z a-z 0-9 _ - (the API's rule; see api/README.md). */
export const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const NAME_PATTERN_TEXT = '^[a-zA-Z0-9_-]{1,64}$';
const SERVER_MAX = 2083;
const TITLE_MAX = 255;

/** Visibilities a caller may ask for: `shared_global` is reserved for Mistral's own connectors. */
export const PUBLIC_VISIBILITIES = ['shared_org', 'shared_workspace', 'private'] as const;
/** One of PUBLIC_VISIBILITIES. */
export type PublicVisibility = (typeof PUBLIC_VISIBILITIES)[number];

const METHOD_TYPES = ['oauth2', 'bearer', 'none', 'github_app', 'slack_app', 'webhook'] as const;

/** A validated create body. */
export interface CreateInput {
  name: string;
  description: string;
  server: string;
  visibility: PublicVisibility;
  title: string | null;
  icon_url: string | null;
  system_prompt: string | null;
  headers: Record<string, unknown> | null;
  auth_data: StoredAuthData | null;
  auth_methods: string[] | null;
}

/** A validated update body: only the fields to change. */
export type UpdateInput = Partial<Omit<CreateInput, 'visibility'>>;

/** The outcome of checking a body. */
export type Checked<T> = { ok: true; value: T } | { ok: false; detail: ValidationDetail[] };

type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects details while reading fields of one body. */
class FieldReader {
  readonly detail: ValidationDetail[] = [];
  constructor(readonly body: Body) {}

  has(field: string): boolean {
    return Object.hasOwn(this.body, field);
  }

  /** A string field; `required` reports it missing, `nullable` lets null through. */
  string(
    field: string,
    rules: { required?: boolean; nullable?: boolean; maxLength?: number },
  ): string | null | undefined {
    const loc = ['body', field];
    if (!this.has(field)) {
      if (rules.required) this.detail.push({ type: 'missing', loc, msg: 'Field required' });
      return undefined;
    }
    const value = this.body[field];
    if (value === null && rules.nullable) return null;
    if (typeof value !== 'string') {
      this.detail.push({ type: 'string_type', loc, msg: 'Input should be a valid string', input: value });
      return undefined;
    }
    if (rules.maxLength !== undefined && value.length > rules.maxLength) {
      this.detail.push({
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${rules.maxLength} characters`,
        input: value,
        ctx: { max_length: rules.maxLength },
      });
      return undefined;
    }
    return value;
  }

  name(required: boolean): string | null | undefined {
    const value = this.string('name', { required, nullable: !required });
    if (typeof value === 'string' && !NAME_PATTERN.test(value)) {
      this.detail.push({
        type: 'string_pattern_mismatch',
        loc: ['body', 'name'],
        msg: `String should match pattern '${NAME_PATTERN_TEXT}'`,
        input: value,
        ctx: { pattern: NAME_PATTERN_TEXT },
      });
      return undefined;
    }
    return value;
  }

  server(required: boolean): string | null | undefined {
    const value = this.string('server', { required, nullable: !required, maxLength: SERVER_MAX });
    if (typeof value !== 'string') return value;
    const loc = ['body', 'server'];
    if (value.length === 0) {
      this.detail.push({
        type: 'string_too_short',
        loc,
        msg: 'String should have at least 1 character',
        input: value,
        ctx: { min_length: 1 },
      });
      return undefined;
    }
    const problem = checkHttpUrl(value, loc, value);
    if (problem) {
      this.detail.push(problem);
      return undefined;
    }
    return value;
  }

  protocol(): void {
    if (this.has('protocol') && this.body.protocol !== 'mcp') {
      // Only MCP connectors exist on the public endpoint (CreateConnectorRequest.protocol is const mcp).
      this.detail.push({
        type: 'literal_error',
        loc: ['body', 'protocol'],
        msg: "Input should be 'mcp'",
        input: this.body.protocol,
        ctx: { expected: "'mcp'" },
      });
    }
  }

  /** `headers`: an object or null. Never echoed: it holds secrets. */
  headers(): Record<string, unknown> | null | undefined {
    if (!this.has('headers')) return undefined;
    const value = this.body.headers;
    if (value === null) return null;
    if (!isObject(value)) {
      this.detail.push({
        type: 'dict_type',
        loc: ['body', 'headers'],
        msg: 'Input should be a valid dictionary',
      });
      return undefined;
    }
    return { ...value };
  }

  /** `auth_data`: `{client_id, client_secret?}` or null. Never echoed: it holds secrets. */
  authData(): StoredAuthData | null | undefined {
    if (!this.has('auth_data')) return undefined;
    const value = this.body.auth_data;
    if (value === null) return null;
    const loc = ['body', 'auth_data'];
    if (!isObject(value)) {
      this.detail.push({
        type: 'model_attributes_type',
        loc,
        msg: 'Input should be a valid dictionary or object to extract fields from',
      });
      return undefined;
    }
    const before = this.detail.length;
    if (!Object.hasOwn(value, 'client_id')) {
      this.detail.push({ type: 'missing', loc: [...loc, 'client_id'], msg: 'Field required' });
    } else if (typeof value.client_id !== 'string') {
      this.detail.push({
        type: 'string_type',
        loc: [...loc, 'client_id'],
        msg: 'Input should be a valid string',
      });
    }
    const secret = value.client_secret ?? null;
    if (secret !== null && typeof secret !== 'string') {
      this.detail.push({
        type: 'string_type',
        loc: [...loc, 'client_secret'],
        msg: 'Input should be a valid string',
      });
    }
    if (this.detail.length > before) return undefined;
    return { client_id: value.client_id as string, client_secret: secret as string | null };
  }

  /**
   * `auth_methods` (newer API): a list of `{method_type, ...}`. The emulator keeps the method types;
   * an oauth2 method's `oauth2_metadata_secrets` stands in for `auth_data` when that is absent.
   */
  authMethods():
    | { types: string[] | null; oauth: StoredAuthData | null; headers?: Record<string, unknown> }
    | undefined {
    if (!this.has('auth_methods')) return undefined;
    const value = this.body.auth_methods;
    if (value === null) return { types: null, oauth: null };
    const loc = ['body', 'auth_methods'];
    if (!Array.isArray(value)) {
      this.detail.push({ type: 'list_type', loc, msg: 'Input should be a valid list' });
      return undefined;
    }
    const types: string[] = [];
    let oauth: StoredAuthData | null = null;
    let headers: Record<string, unknown> | undefined;
    value.forEach((method: unknown, index) => {
      const methodType = isObject(method) ? method.method_type : undefined;
      if (typeof methodType !== 'string' || !(METHOD_TYPES as readonly string[]).includes(methodType)) {
        const expected = describeChoices(METHOD_TYPES);
        this.detail.push({
          type: 'enum',
          loc: [...loc, index, 'method_type'],
          msg: `Input should be ${expected}`,
          ctx: { expected },
        });
        return;
      }
      types.push(methodType);
      const secrets = isObject(method) ? method.oauth2_metadata_secrets : undefined;
      if (methodType === 'oauth2' && isObject(secrets) && typeof secrets.client_id === 'string') {
        const secret = typeof secrets.client_secret === 'string' ? secrets.client_secret : null;
        oauth = { client_id: secrets.client_id, client_secret: secret };
      }
      if (isObject(method) && isObject(method.global_headers)) headers = headerValues(method.global_headers);
    });
    return headers === undefined ? { types, oauth } : { types, oauth, headers };
  }
}

/**
 * `global_headers` values (`{value, is_secret}`), kept where the seed-era `headers` are, until the
 * strict emulator (issue 11) keeps them per auth method.
 */
function headerValues(headers: Body): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => [name, isObject(header) ? header.value : header]),
  );
}

function notAnObject(): Checked<never> {
  return {
    ok: false,
    detail: [
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
      },
    ],
  };
}

/** Checks a POST /v1/connectors body. */
export function checkCreateBody(body: unknown): Checked<CreateInput> {
  if (!isObject(body)) return notAnObject();
  const read = new FieldReader(body);
  read.protocol();
  const name = read.name(true);
  const title = read.string('title', { nullable: true, maxLength: TITLE_MAX });
  const description = read.string('description', { required: true });
  const iconUrl = read.string('icon_url', { nullable: true });
  const visibility = readVisibility(read);
  const server = read.server(true);
  const headers = read.headers();
  const authData = read.authData();
  const authMethods = read.authMethods();
  const systemPrompt = read.string('system_prompt', { nullable: true });
  if (read.detail.length > 0) return { ok: false, detail: read.detail };
  return {
    ok: true,
    value: {
      name: name as string,
      description: description as string,
      server: server as string,
      visibility,
      title: title ?? null,
      icon_url: iconUrl ?? null,
      system_prompt: systemPrompt ?? null,
      headers: headers ?? (isObject(body.global_headers) ? headerValues(body.global_headers) : null),
      auth_data: authData ?? authMethods?.oauth ?? null,
      auth_methods: authMethods?.types ?? null,
    },
  };
}

function readVisibility(read: FieldReader): PublicVisibility {
  if (!read.has('visibility')) return 'private';
  const value = read.body.visibility;
  if (typeof value === 'string' && (PUBLIC_VISIBILITIES as readonly string[]).includes(value)) {
    return value as PublicVisibility;
  }
  const expected = describeChoices(PUBLIC_VISIBILITIES);
  read.detail.push({
    type: 'enum',
    loc: ['body', 'visibility'],
    msg: `Input should be ${expected}`,
    input: value,
    ctx: { expected },
  });
  return 'private';
}

/**
 * Checks a PATCH /v1/connectors/{id} body. Accepts the seed's fields (headers, auth_data) and the
 * newer OpenAPI's (title, auth_methods). A null name, description or server means "leave as is"
 * (a connector cannot lose them); null clears title, icon_url, system_prompt, headers and auth_data.
 * `visibility` is refused: it changes only through share/unshare (api/README.md).
 */
export function checkUpdateBody(body: unknown): Checked<UpdateInput> {
  if (!isObject(body)) return notAnObject();
  const read = new FieldReader(body);
  if (read.has('visibility')) {
    read.detail.push({
      type: 'extra_forbidden',
      loc: ['body', 'visibility'],
      msg: 'Extra inputs are not permitted: visibility cannot be changed by PATCH; use PUT or DELETE /v1/connectors/{connector_id}/share',
      input: body.visibility,
    });
  }
  read.protocol();
  const update: UpdateInput = {};
  const name = read.name(false);
  const title = read.string('title', { nullable: true, maxLength: TITLE_MAX });
  const description = read.string('description', { nullable: true });
  const iconUrl = read.string('icon_url', { nullable: true });
  const systemPrompt = read.string('system_prompt', { nullable: true });
  const server = read.server(false);
  const headers = read.headers();
  const authData = read.authData();
  const authMethods = read.authMethods();
  if (read.detail.length > 0) return { ok: false, detail: read.detail };
  if (typeof name === 'string') update.name = name;
  if (typeof description === 'string') update.description = description;
  if (typeof server === 'string') update.server = server;
  if (title !== undefined) update.title = title;
  if (iconUrl !== undefined) update.icon_url = iconUrl;
  if (systemPrompt !== undefined) update.system_prompt = systemPrompt;
  if (headers !== undefined) update.headers = headers;
  if (authData !== undefined) update.auth_data = authData;
  if (authMethods !== undefined) {
    update.auth_methods = authMethods.types;
    if (authData === undefined && authMethods.oauth !== null) update.auth_data = authMethods.oauth;
    if (headers === undefined && authMethods.headers !== undefined) update.headers = authMethods.headers;
  }
  return { ok: true, value: update };
}
