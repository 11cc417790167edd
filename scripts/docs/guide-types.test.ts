// The guides' code, type-checked as an app that installed the packages sees it: the built
// packages through their `exports`, a strict tsconfig (exactOptionalPropertyTypes included),
// with bundler and node16 resolution. A guide's snippets run one after another, so each
// guide's are checked as one module; the names they leave to the reader (`pin`, `chat`…) are
// declared below. Blocks that only describe a shape (an interface, a signature) are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { codeBlocks } from './markdown.js';

const root = join(import.meta.dirname, '..', '..');

/** What the guides leave to the reader, per guide. */
const GUIDES = {
  'docs/sdk.md': `
    declare const cardToken: string;
    declare const amount: import('@settle/sdk').Money;
    declare const pin: string;
    declare const authorization: string;
    declare const request: import('@settle/sdk').MoneyRequest;
    declare const userId: string;
    declare const params: import('@settle/sdk').TransferCreateParams;
    declare const orderId: string;
    declare function render(transfer: import('@settle/sdk').Transfer): void;
    declare function showWhoPaid(request: import('@settle/sdk').MoneyRequest): void;
    declare function updateBubble(transfer: import('@settle/sdk').Transfer): void;
    declare function updateRequest(request: import('@settle/sdk').MoneyRequest): void;
    declare function updateAccount(account: import('@settle/sdk').Account): void;`,
  'packages/sdk/README.md': '',
  'docs/elements.md': `
    declare const getToken: () => Promise<string>;
    declare const conversation: { id: string };
    declare const transfer: import('@settle/sdk').Transfer;
    declare function addBubble(transfer: import('@settle/sdk').Transfer): void;
    // The JavaScript snippets'.
    declare const sendButton: import('@settle/elements').SettleSendMoneyButton;
    declare const requestButton: import('@settle/elements').SettleRequestMoney;
    declare const suggestions: import('@settle/elements').SettleSuggestions;
    declare const me: string;
    declare const baseUrl: string;
    declare const chat: {
      members: Map<string, { name: string }>;
      appendMessage(message: Element): void;
      on(
        event: 'message',
        listener: (
          message: import('@settle/sdk/assistant').AssistantMessage,
          conversation: import('@settle/sdk/assistant').AssistantConversation,
        ) => void,
      ): void;
    };`,
  'docs/assistant.md': `
    declare const getUserToken: () => Promise<string>;
    declare function showChip(suggestion: import('@settle/sdk/assistant').Suggestion): void;
    declare function removeChip(id: string): void;
    declare const chat: {
      on(event: 'message', listener: (message: { id: string; text: string; from: string }) => void): void;
    };
    declare const conversation: { id: string; members: string[] };
    declare const settle: import('@settle/sdk').Settle;
    declare const userId: string;
    declare const consent: import('@settle/sdk/assistant').ConsentStore;
    declare const currency: string;`,
  'docs/operations.md': `
    declare const yourCardNetwork: import('@settle/server').Processor;
    declare const yourSmsGateway: { send(phone: string, body: string): Promise<void> };`,
};
/** The guides whose code runs in Node.js, with its types. */
const IN_NODE = new Set(['docs/operations.md']);

/** An interface or a bare signature, shown to describe a shape rather than to run. */
function describesOnly(code: string) {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.Latest);
  return source.statements.every(
    (s) =>
      ts.isInterfaceDeclaration(s) ||
      ts.isTypeAliasDeclaration(s) ||
      (ts.isFunctionDeclaration(s) && !s.body),
  );
}

/** The guide's TypeScript and its JavaScript, each as one module. */
function snippets(guide: string) {
  const blocks = codeBlocks(readFileSync(join(root, guide), 'utf8'));
  const of = (langs: string[]) =>
    blocks
      .filter((b) => langs.includes(b.lang) && !describesOnly(b.code))
      .map((b) => b.code)
      .join('\n');
  return {
    ts: of(['ts', 'tsx']),
    // Pages without a build step import the bundle from wherever they serve it.
    js: of(['js']).replaceAll("'.../settle-elements.js'", "'@settle/elements/settle-elements.js'"),
  };
}

const RESOLUTIONS = {
  bundler: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
};

/** The compiler's complaints about `files` (name → text), placed in scripts/docs. */
function typeErrors(files: Record<string, string>, options: ts.CompilerOptions) {
  const paths = new Map(
    Object.entries(files).map(([name, text]) => [join(import.meta.dirname, name), text]),
  );
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (name) => paths.get(name) ?? read(name);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => paths.has(name) || exists(name);
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => {
    const text = paths.get(name);
    return text === undefined
      ? getSource(name, version, ...rest)
      : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...paths.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName.slice(root.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `
      : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

const strict: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noEmit: true,
  jsx: ts.JsxEmit.ReactJSX,
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  // The packages' own declarations are checked by `npm run check:package`.
  skipLibCheck: true,
};

describe.each(Object.entries(RESOLUTIONS))(
  'the guides in a strict app (%s resolution)',
  { timeout: 60_000 },
  (_, resolution) => {
    it.each(Object.entries(GUIDES))('%s type-checks as written', (guide, declared) => {
      const { ts: code, js } = snippets(guide);
      expect(code).toMatch(/^import /m);
      const options = { ...strict, ...resolution, ...(IN_NODE.has(guide) && { types: ['node'] }) };
      expect(typeErrors({ 'reader.d.ts': declared, 'guide.tsx': code }, options)).toEqual([]);
      if (!js) return;
      // JavaScript is checked for names, properties and types; it may assume an element is there.
      expect(
        typeErrors(
          { 'reader.d.ts': declared, 'guide.js': js },
          {
            ...options,
            allowJs: true,
            checkJs: true,
            strictNullChecks: false,
            exactOptionalPropertyTypes: false,
            noImplicitAny: false,
          },
        ),
      ).toEqual([]);
    });

    it("prefills the dialogs from a suggestion's optional amount", () => {
      const app = `
      import type { SettleRequestMoney, SettleSendMoneyButton } from '@settle/elements';
      import { isMoneySuggestion, type Suggestion } from '@settle/sdk/assistant';
      declare const send: SettleSendMoneyButton;
      declare const ask: SettleRequestMoney;
      export function take(suggestion: Suggestion) {
        if (!isMoneySuggestion(suggestion)) return;
        const { action, amount } = suggestion.data;
        return (action === 'send' ? send : ask).open({ amount: amount?.value });
      }`;
      expect(typeErrors({ 'app.ts': app }, { ...strict, ...resolution })).toEqual([]);
    });
  },
);
