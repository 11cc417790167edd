// What an app's TypeScript sees of `@settle/elements`, from the built package: typed props,
// React event props and DOM events, so a typo or a wrong handler is a compile error.
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const file = join(root, 'scripts', 'react-app.tsx');
const app = `
import { PaymentBubble, Provider, SendMoneyButton } from '@settle/elements/react';
import type { Transfer } from '@settle/sdk';

declare function addBubble(transfer: Transfer): void;

export const ok = (
  <Provider baseUrl="https://settle.chat.example" tokenUrl="/settle-token">
    <SendMoneyButton
      recipientId="bob"
      conversationId="alice-bob"
      onSettleTransfer={(e) => addBubble(e.detail.transfer)}
    />
    <PaymentBubble transferId="tr_1" />
  </Provider>
);
// Listening without React: the element's events are typed too.
document
  .querySelector('settle-send-money-button')
  ?.addEventListener('settle-transfer', (e) => addBubble(e.detail.transfer));
// @ts-expect-error: a misspelt property
export const typo = <SendMoneyButton recipientIdd="bob" />;
// @ts-expect-error: the event carries a transfer, not a number
export const wrong = <SendMoneyButton onSettleTransfer={(e) => e.detail.transfer.toFixed(2)} />;
`;

describe('@settle/elements/react in a TypeScript app', () => {
  it.each(['bundler', 'nodenext'] as const)(
    'types props and events (%s resolution)',
    (resolution) => {
      const options: ts.CompilerOptions = {
        strict: true,
        noEmit: true,
        jsx: ts.JsxEmit.ReactJSX,
        target: ts.ScriptTarget.ES2022,
        module: resolution === 'bundler' ? ts.ModuleKind.ESNext : ts.ModuleKind.NodeNext,
        moduleResolution:
          resolution === 'bundler'
            ? ts.ModuleResolutionKind.Bundler
            : ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
      };
      const host = ts.createCompilerHost(options);
      const read = host.readFile.bind(host);
      host.readFile = (name) => (name === file ? app : read(name));
      const exists = host.fileExists.bind(host);
      host.fileExists = (name) => name === file || exists(name);
      const program = ts.createProgram([file], options, host);
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(problems).toEqual([]);
    },
    // A whole-program type check: seconds on a busy machine.
    60_000,
  );
});
