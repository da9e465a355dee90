import { Type } from '@sinclair/typebox';
import { EmailAddress } from '../../jobs/job-requests';
import type { IdempotencyKeyStore } from '../../jobs/idempotency-keys';
import { welcomeEmailFor, type SignupService } from '../../users/signup';
import { checkedIdempotencyKey } from '../idempotency';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse, IdempotencyHeaders, keyReused } from '../schemas';

const SignupRequest = Type.Object(
  { email: EmailAddress, name: Type.String({ maxLength: 200 }) },
  { additionalProperties: false, title: 'SignupRequest' },
);

const SignedUp = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    welcomeEmailJobId: Type.String({ description: 'The welcome e-mail job, started now or by the relay' }),
  },
  { title: 'SignedUp' },
);

export function signupRoutes(
  signups: SignupService,
  idempotencyKeys: IdempotencyKeyStore,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/signup',
      access: 'jobs:create',
      summary: 'Register a user and send the welcome e-mail',
      tags: ['users'],
      schema: {
        body: SignupRequest,
        headers: IdempotencyHeaders,
        responses: {
          201: { description: 'Registered', schema: SignedUp },
          400: errorResponse('The body is invalid'),
          409: errorResponse('This e-mail address is already registered'),
          422: keyReused,
        },
      },
      handler: async (request) => {
        // Checked before the key is recorded, so that a corrected retry may use the same key.
        welcomeEmailFor(request.body);
        const idempotencyKey = await checkedIdempotencyKey(idempotencyKeys, {
          caller: request.caller,
          operation: 'POST /signup',
          headers: request.headers,
          body: request.body,
        });
        const { user, welcomeEmailJobId } = await signups.signUp(request.body, idempotencyKey);
        return { status: 201, body: { id: user.id, email: user.email, name: user.name, welcomeEmailJobId } };
      },
    }),
  ];
}
