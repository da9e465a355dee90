import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL superuser URL the multi-host suite is given; fails clearly without it. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: this test needs PostgreSQL. Run it with `npm run test:multi-host`.',
    );
  }
  return url;
}

/** Fresh databases on the test server, each dropped by `dropAll`. */
export class TestDatabases {
  private readonly created: string[] = [];

  constructor(private readonly serverUrl: string = testDatabaseUrl()) {}

  /** Creates an empty database and returns its URL. */
  async create(): Promise<string> {
    const name = `durable_jobs_test_${randomBytes(6).toString('hex')}`;
    await this.admin(`CREATE DATABASE ${name}`);
    this.created.push(name);
    const url = new URL(this.serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async dropAll(): Promise<void> {
    for (const name of this.created.splice(0))
      await this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  private async admin(statement: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
}
