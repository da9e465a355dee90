import { startEmailHarness, type EmailHarness } from '../helpers/email-harness';

describe('signing up twice with one address', () => {
  let harness: EmailHarness;

  beforeAll(async () => {
    harness = await startEmailHarness();
  });

  afterAll(async () => {
    await harness?.teardown();
  });

  it('answers 409 for the second signup, comparing addresses case-insensitively', async () => {
    const first = await harness.app.inject({
      method: 'POST',
      url: '/signup',
      payload: { email: 'dave@example.com', name: 'Dave' },
    });
    expect(first.statusCode).toBe(201);

    const second = await harness.app.inject({
      method: 'POST',
      url: '/signup',
      payload: { email: 'DAVE@Example.COM', name: 'Other Dave' },
    });

    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: 'CONFLICT', field: 'email' });
    const [users] = await harness.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    expect(users?.n).toBe(1);
    const [outbox] = await harness.sql.query<{ n: number }>('SELECT COUNT(*) AS n FROM outbox');
    expect(outbox?.n).toBe(1);
  });
});
