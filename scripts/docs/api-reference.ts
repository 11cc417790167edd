// Renders the HTTP API reference (docs/reference/api.md) from the server's OpenAPI document.

interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  description?: string;
  example?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: Schema }> }
  >;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, Schema>;
    securitySchemes?: Record<string, { description?: string }>;
  };
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Words for statuses the server describes only by number (see docs/api.md#errors). */
const STATUS: Record<string, string> = {
  '400': 'Invalid request',
  '403': 'Not allowed in the current account state',
  '404': 'No such resource',
  '409': 'Conflict: a step out of order, or a state that no longer allows it',
  '422': 'Well-formed but refused',
  '429': 'Too many requests; see Retry-After',
  '503': 'Unavailable for a moment (the card network, or a server stopping); see Retry-After',
};

/** GitHub's anchor for a heading. */
export const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

/** Table cells hold one line, and `|` ends a cell. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

const refName = (ref: string) => ref.split('/').pop() as string;

function typeOf(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return `[${name}](#${slug(name)})`;
  }
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return variants.map(typeOf).join(' \\| ');
  if (schema.allOf) return schema.allOf.map(typeOf).join(' & ');
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return (
    types
      .map((type) => {
        if (type === 'array') return `${typeOf(schema.items) || 'any'}[]`;
        if (
          type === 'object' &&
          schema.additionalProperties &&
          schema.additionalProperties !== true
        ) {
          return `map of ${typeOf(schema.additionalProperties)}`;
        }
        return type;
      })
      .join(' \\| ') || 'any'
  );
}

/** The rules a value must follow, in words. */
function rules(schema: Schema | undefined): string[] {
  if (!schema) return [];
  const out: string[] = [];
  const { minLength = 0, maxLength } = schema;
  if (maxLength !== undefined && minLength === maxLength)
    out.push(`exactly ${maxLength} characters`);
  else if (maxLength !== undefined)
    out.push(`${minLength ? `${minLength} to ` : 'at most '}${maxLength} characters`);
  else if (minLength > 0) out.push(`at least ${minLength} characters`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) {
    out.push(`${schema.minimum ?? '−∞'} to ${schema.maximum ?? '∞'}`);
  }
  if (schema.exclusiveMinimum !== undefined) out.push(`more than ${schema.exclusiveMinimum}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    out.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? '∞'} items`);
  }
  if (schema.pattern) out.push(`matches \`${schema.pattern}\``);
  if (schema.format) out.push(`format \`${schema.format}\``);
  if (schema.default !== undefined) out.push(`default \`${JSON.stringify(schema.default)}\``);
  return out;
}

const describe = (schema: Schema | undefined, description = schema?.description) =>
  cell([description, ...rules(schema).map((r) => `(${r})`)].filter(Boolean).join(' '));

/** Rows for an object's fields; fields of inline objects follow as `parent.child`. */
function rows(schema: Schema, prefix = ''): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, prop]) => {
    const path = `${prefix}${name}`;
    const row = `| \`${path}\` | ${typeOf(prop)} | ${required.has(name) ? 'yes' : 'no'} | ${describe(prop)} |`;
    const inner = prop.items?.properties ? prop.items : prop;
    const nested = inner.properties ? rows(inner, `${path}${inner === prop ? '' : '[]'}.`) : [];
    return [row, ...nested];
  });
}

function fields(schema: Schema, schemas: Record<string, Schema>): string {
  const resolved = schema.$ref ? schemas[refName(schema.$ref)] : schema;
  if (!resolved?.properties) return '';
  return [
    '| field | type | required | description |',
    '| --- | --- | --- | --- |',
    ...rows(resolved),
  ].join('\n');
}

function bodySchema(content: Record<string, { schema?: Schema }> | undefined) {
  if (!content) return undefined;
  const [type, media] = Object.entries(content)[0] ?? [];
  return type ? { type, schema: media?.schema } : undefined;
}

function operation(method: string, path: string, op: Operation): string {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', op.summary ?? ''];
  if (op.description) lines.push('', op.description);
  const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
  lines.push(
    '',
    `Authentication: ${
      schemes.length === 0
        ? 'none'
        : schemes
            .map((s) =>
              s === 'userToken' ? 'user token' : s === 'platformKey' ? 'platform secret key' : s,
            )
            .join(' or ')
    }.`,
  );
  const params = op.parameters ?? [];
  if (params.length > 0) {
    lines.push(
      '',
      '| parameter | in | type | required | description |',
      '| --- | --- | --- | --- | --- |',
      ...params.map(
        (p) =>
          `| \`${p.name}\` | ${p.in} | ${typeOf(p.schema)} | ${p.required ? 'yes' : 'no'} | ${describe(p.schema, p.description ?? p.schema?.description)} |`,
      ),
    );
  }
  const body = bodySchema(op.requestBody?.content);
  if (body?.schema) lines.push('', `Body (\`${body.type}\`): ${typeOf(body.schema)}`);
  const responses = Object.entries(op.responses ?? {});
  if (responses.length > 0) {
    lines.push(
      '',
      '| status | meaning | body |',
      '| --- | --- | --- |',
      ...responses.map(([status, res]) => {
        const answer = bodySchema(res.content);
        const shown =
          answer?.type === 'application/json'
            ? typeOf(answer.schema)
            : answer?.type
              ? `\`${answer.type}\``
              : '';
        const meaning = /^Error \d+$/.test(res.description ?? '')
          ? (STATUS[status] ?? '')
          : res.description;
        return `| ${status} | ${cell(meaning ?? '')} | ${shown} |`;
      }),
    );
  }
  return lines.join('\n');
}

/** The whole reference, as Markdown. */
export function renderApiReference(doc: OpenApiDocument): string {
  const byTag = new Map<string, [string, string, Operation][]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), [method, path, op]]);
    }
  }
  const schemas = doc.components?.schemas ?? {};
  const out = [
    '# HTTP API reference',
    '',
    `<!-- Generated from GET /openapi.json by \`npm run docs:reference\`. Do not edit by hand. -->`,
    '',
    `${doc.info.title} ${doc.info.version}: ${doc.info.description ?? ''} Every route below is`,
    'served by `settle serve`, which also serves this description as OpenAPI 3.1 at',
    '`GET /openapi.json`. Guides: [api.md](../api.md) (authentication, errors, enrollment),',
    '[transfers.md](../transfers.md), [events.md](../events.md), [assistant.md](../assistant.md).',
    '',
    'Authentication:',
    '',
    ...Object.entries(doc.components?.securitySchemes ?? {}).map(
      ([name, scheme]) => `- \`${name}\`: ${scheme.description ?? ''}`,
    ),
    '',
    'Every error answers `{ "error": { "type", "code", "message", "param"? } }`',
    `([Error](#error)).`,
    '',
    '## Contents',
    '',
  ];
  for (const [tag, ops] of byTag) {
    out.push(
      `- ${tag}: ${ops.map(([m, p]) => `[${m.toUpperCase()} ${p}](#${slug(`${m} ${p}`)})`).join(', ')}`,
    );
  }
  out.push(`- [Schemas](#schemas)`);
  for (const [tag, ops] of byTag) {
    out.push('', `## ${tag}`);
    for (const [method, path, op] of ops) out.push('', operation(method, path, op));
  }
  out.push('', '## Schemas');
  for (const [name, schema] of Object.entries(schemas)) {
    out.push('', `### ${name}`);
    if (schema.description) out.push('', schema.description);
    const table = fields(schema, schemas);
    out.push(
      '',
      table || `${typeOf({ ...schema, description: undefined })} ${describe(schema, '')}`.trim(),
    );
  }
  return `${out.join('\n')}\n`;
}
