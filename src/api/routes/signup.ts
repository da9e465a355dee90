import { Type } from '@sinclair/typebox';
import { EmailAddress } from '../../jobs/job-requests';
import type { SignupService } from '../../users/signup';
import { defineRoute, type RouteDefinition } from '../route';
import { errorResponse } from '../schemas';

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

export function signupRoutes(signups: SignupService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/signup',
      access: 'jobs:create',
      summary: 'Register a user and send the welcome e-mail',
      tags: ['users'],
      schema: {
        body: SignupRequest,
        responses: {
          201: { description: 'Registered', schema: SignedUp },
          400: errorResponse('The body is invalid'),
          409: errorResponse('This e-mail address is already registered'),
        },
      },
      handler: async (request) => {
        const { user, welcomeEmailJobId } = await signups.signUp(request.body);
        return { status: 201, body: { id: user.id, email: user.email, name: user.name, welcomeEmailJobId } };
      },
    }),
  ];
}
