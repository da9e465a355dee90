import { EmailRequestError } from '../../email/template-params';
import { SignupService, type SignupRequest } from '../../users/signup';
import { EmailAlreadyRegisteredError } from '../../users/user-repository';
import { badRequest, conflict } from '../errors';
import { defineRoute, type RouteDefinition } from '../route';

const signupBody = {
  type: 'object',
  required: ['email', 'name'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', maxLength: 254 },
    name: { type: 'string', maxLength: 200 },
  },
};

export function signupRoutes(signups: SignupService): RouteDefinition[] {
  return [
    defineRoute<SignupRequest>({
      method: 'POST',
      path: '/signup',
      schema: { body: signupBody },
      handler: async (request) => {
        try {
          const { user, welcomeEmailJobId } = await signups.signUp(request.body);
          return {
            status: 201,
            body: { id: user.id, email: user.email, name: user.name, welcomeEmailJobId },
          };
        } catch (error) {
          if (error instanceof EmailRequestError) throw badRequest(error.message, { field: error.field });
          if (error instanceof EmailAlreadyRegisteredError) {
            throw conflict('This e-mail address is already registered', { field: 'email' });
          }
          throw error;
        }
      },
    }),
  ];
}
