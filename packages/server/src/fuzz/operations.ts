/** The subset of JSON Schema (OpenAPI 3.1) the Settle API's definitions use. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

/** One operation of the API as its OpenAPI document describes it. */
export interface Operation {
  method: string;
  /** The OpenAPI path, `{id}` placeholders included. */
  path: string;
  parameters: Parameter[];
  body?: Schema;
  security: 'user' | 'platform' | 'none';
  /** The statuses the document lists for it. */
  statuses: number[];
}

export interface Document {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Inlines every `$ref` to `#/components/schemas/...`. */
function inline(schema: Schema, doc: Document): Schema {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`Unresolved ${schema.$ref}`);
    return inline(target, doc);
  }
  const out: Schema = { ...schema };
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, inline(v, doc)]),
    );
  }
  if (schema.items) out.items = inline(schema.items, doc);
  if (typeof schema.additionalProperties === 'object') {
    out.additionalProperties = inline(schema.additionalProperties, doc);
  }
  return out;
}

/** Every operation of an OpenAPI document, with schemas inlined. */
export function operationsOf(doc: Document): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const security = (op.security as Record<string, unknown>[] | undefined)?.[0] ?? {};
      const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: ((op.parameters ?? []) as Parameter[]).map((p) => ({
          ...p,
          required: Boolean(p.required),
          schema: inline(p.schema, doc),
        })),
        ...(body ? { body: inline(body, doc) } : {}),
        security:
          'userToken' in security ? 'user' : 'platformKey' in security ? 'platform' : 'none',
        statuses: Object.keys((op.responses ?? {}) as object).map(Number),
      });
    }
  }
  return operations;
}

/** The JSON types a schema allows (`integer` counts as `number`). */
export function typesOf(schema: Schema): Set<string> {
  const declared = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const types = new Set(declared.map((t) => (t === 'integer' ? 'number' : t)));
  for (const value of schema.enum ?? []) types.add(jsonType(value));
  return types;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
