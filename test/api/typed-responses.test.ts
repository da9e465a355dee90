// A route's declared responses type its handler: tsc rejects an undeclared status or a body that
// is not that status's schema.
import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../src/api/route';
import { PROJECT_ROOT, useTypeChecker } from '../helpers/type-check';

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

describe('typed route responses', () => {
  jest.setTimeout(120_000);
  const diagnosticsOf = useTypeChecker('typed-responses');

  const program = (answer: string) => `
import { Type } from '${PROJECT_ROOT}/node_modules/@sinclair/typebox';
import { defineRoute } from '${PROJECT_ROOT}/src/api/route';
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
    expect(diagnosticsOf(program('{ status: 200, body: { pong: true } }'))).toEqual([]);
    expect(diagnosticsOf(program('{ status: 204 }'))).toEqual([]);
  });

  it.each([
    ['an undeclared status', '{ status: 201, body: { pong: true } }'],
    ['a body of the wrong shape', '{ status: 200, body: { pong: false } }'],
    ['a body for a status declared without one', "{ status: 204, body: 'x' }"],
    ['no body for a status declared with one', '{ status: 200 }'],
  ])('rejects %s', (_case, answer) => {
    expect(diagnosticsOf(program(answer))).toHaveLength(1);
  });
});
