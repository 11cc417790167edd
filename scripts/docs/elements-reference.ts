// Renders the components reference (docs/reference/elements.md) from the elements' Custom
// Elements Manifest (packages/elements/custom-elements.json, written by the build).

interface Described {
  name: string;
  description?: string;
  summary?: string;
  type?: { text: string };
  default?: string;
  inheritedFrom?: { name: string };
}
interface Member extends Described {
  kind: 'field' | 'method';
  privacy?: 'private' | 'protected' | 'public';
  static?: boolean;
  readonly?: boolean;
  attribute?: string;
  parameters?: Described[];
  return?: { type?: { text: string } };
}
interface Declaration extends Described {
  kind: string;
  tagName?: string;
  customElement?: boolean;
  attributes?: (Described & { fieldName?: string })[];
  members?: Member[];
  events?: Described[];
  slots?: Described[];
  cssParts?: Described[];
  cssProperties?: Described[];
}
export interface Manifest {
  modules: { path: string; declarations?: Declaration[] }[];
}

const cell = (text = '') => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
const code = (text?: string) =>
  text ? `\`${text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')}\`` : '';

function table(head: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [];
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function element(d: Declaration): string[] {
  const out = [`## \`<${d.tagName}>\``, ''];
  if (d.summary) out.push(d.summary.replace(/\s*\n\s*/g, ' '), '');
  if (d.description) out.push(d.description, '');
  const attributes = d.attributes ?? [];
  out.push(
    ...table(
      ['attribute', 'property', 'type', 'default', 'description'],
      attributes.map((a) => [
        code(a.name),
        code(a.fieldName),
        code(a.type?.text),
        code(a.default),
        cell(a.description),
      ]),
    ),
  );
  const withAttribute = new Set(attributes.map((a) => a.fieldName));
  const isPublic = (m: Member) => !m.privacy || m.privacy === 'public';
  const members = (d.members ?? []).filter(
    (m) => isPublic(m) && !m.static && !m.name.startsWith('_'),
  );
  const properties = members.filter((m) => m.kind === 'field' && !withAttribute.has(m.name));
  if (properties.length > 0) {
    out.push(
      '',
      'Properties without an attribute (set them from JavaScript):',
      '',
      ...table(
        ['property', 'type', 'description'],
        properties.map((p) => [
          code(p.name),
          code(p.type?.text),
          cell(`${p.readonly ? '(read-only) ' : ''}${p.description ?? ''}`),
        ]),
      ),
    );
  }
  const methods = members.filter((m) => m.kind === 'method');
  if (methods.length > 0) {
    out.push(
      '',
      ...table(
        ['method', 'description'],
        methods.map((m) => [
          code(
            `${m.name}(${(m.parameters ?? []).map((p) => `${p.name}${p.type ? `: ${p.type.text}` : ''}`).join(', ')})`,
          ),
          cell(m.description),
        ]),
      ),
    );
  }
  const lists: [string, Described[] | undefined][] = [
    ['event', d.events],
    ['slot', d.slots?.map((s) => ({ ...s, name: s.name || '(default)' }))],
    ['CSS part', d.cssParts],
    ['CSS custom property', d.cssProperties?.filter((p) => !p.inheritedFrom)],
  ];
  for (const [kind, items] of lists) {
    if (!items?.length) continue;
    out.push(
      '',
      ...table(
        [kind, 'description'],
        items.map((i) => [code(i.name), cell(i.description)]),
      ),
    );
  }
  out.push('');
  return out;
}

/** The whole reference, as Markdown. */
export function renderElementsReference(manifest: Manifest): string {
  const declarations = manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d) => d.customElement && d.tagName)
    .sort((a, b) => (a.tagName as string).localeCompare(b.tagName as string));
  // The theme's custom properties are the same on every element: listed once.
  const theme = new Map<string, string>();
  for (const d of declarations) {
    for (const p of d.cssProperties ?? [])
      if (p.inheritedFrom) theme.set(p.name, p.description ?? '');
  }
  // Elements drawn as text of the page (settle-amount) have no theme and read none of it.
  const plain = declarations
    .filter((d) => !(d.attributes ?? []).some((a) => a.name === 'theme'))
    .map((d) => code(`<${d.tagName}>`));
  const but = plain.length ? ` but ${plain.join(', ')}` : '';
  const out = [
    '# Components reference',
    '',
    '<!-- Generated from packages/elements/custom-elements.json by `npm run docs:reference`. Do not edit by hand. -->',
    '',
    'Every `settle-*` element of `@settle/elements`, from its Custom Elements Manifest. How to use',
    `them together: [elements.md](../elements.md). Every element${but} also has the \`theme\``,
    'attribute (`light` or `dark`), and events bubble and cross shadow roots.',
    '',
    ...declarations.map((d) => `- [\`<${d.tagName}>\`](#${d.tagName})`),
    '- [Theme](#theme)',
    '',
    ...declarations.flatMap(element),
    '## Theme',
    '',
    `Custom properties every element${but} reads (they inherit through shadow roots: set them`,
    'on any ancestor):',
    '',
    ...table(
      ['CSS custom property', 'description'],
      [...theme].map(([name, description]) => [code(name), cell(description)]),
    ),
  ];
  return `${out.join('\n')}\n`;
}
