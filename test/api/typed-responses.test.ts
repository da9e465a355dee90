// A route's declared responses type its handler: tsc rejects an undeclared status or a body that
// is not that status's schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import ts from 'typescript';
import { defineRoute } from '../../src/api/route';

const ROOT = path.join(__dirname, '..', '..');

const Pong = Type.Object({ pong: Type.Literal(true) });

// Never called: `npm run typecheck` fails if an expected error disappears.
export function wrongAnswers() {
  return [
    defineRoute({
      method: 'GET',
      path: '/ping',
      summary: 'undeclared status',
      access: 'public',
      schema: { responses: { 200: { description: 'pong', schema: Pong } } },
      // @ts-expect-error: 201 is not declared
      handler: async () => ({ status: 201, body: { pong: true } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/ping',
      summary: 'wrong body',
      access: 'public',
      schema: { responses: { 200: { description: 'pong', schema: Pong } } },
      // @ts-expect-error: the body is not a Pong
      handler: async () => ({ status: 200, body: { pong: 'yes' } }),
    }),
  ];
}

/** Diagnostics of `source`, compiled with the project's options beside the real sources. */
function diagnosticsOf(source: string, folder: string): string[] {
  const file = path.join(folder, 'routes.ts');
  fs.writeFileSync(file, source);
  const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('typed route responses', () => {
  jest.setTimeout(120_000);
  let folder: string;
  beforeAll(() => (folder = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-typed-responses-'))));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  const program = (answer: string) => `
import { Type } from '${ROOT}/node_modules/@sinclair/typebox';
import { defineRoute } from '${ROOT}/src/api/route';
export const route = defineRoute({
  method: 'GET',
  path: '/ping',
  summary: 'ping',
  access: 'public',
  schema: {
    responses: {
      200: { description: 'pong', schema: Type.Object({ pong: Type.Literal(true) }) },
      204: { description: 'nothing' },
    },
  },
  handler: async () => (${answer}),
});
`;

  it('accepts the declared statuses with their bodies', () => {
    expect(diagnosticsOf(program('{ status: 200, body: { pong: true } }'), folder)).toEqual([]);
    expect(diagnosticsOf(program('{ status: 204 }'), folder)).toEqual([]);
  });

  it.each([
    ['an undeclared status', '{ status: 201, body: { pong: true } }'],
    ['a body of the wrong shape', '{ status: 200, body: { pong: false } }'],
    ['a body for a status declared without one', "{ status: 204, body: 'x' }"],
    ['no body for a status declared with one', '{ status: 200 }'],
  ])('rejects %s', (_case, answer) => {
    expect(diagnosticsOf(program(answer), folder)).toHaveLength(1);
  });
});
