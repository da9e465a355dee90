import { normalizeEmailAddress } from '../email/address';
import type { SqlClient } from '../db/sql-client';
import type { NewOutboxEntry } from '../outbox/outbox-entry';
import { insertOutboxEntries } from '../outbox/sql-outbox-repository';
import type { NewUser, User } from './user';
import { DuplicateUser } from '../errors';
import type { UserRepository } from './user-repository';

interface UserRow {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}

/** Users in the service's database; the unique `email_key` decides who registered an address first. */
export class SqlUserRepository implements UserRepository {
  constructor(private readonly sql: SqlClient) {}

  async createWithOutbox(user: NewUser, outbox: NewOutboxEntry[]): Promise<User> {
    const createdAt = new Date().toISOString();
    try {
      await this.sql.transaction(async (tx) => {
        await tx.execute(
          'INSERT INTO users (id, email, email_key, name, created_at) VALUES (?, ?, ?, ?, ?)',
          [user.id, user.email, normalizeEmailAddress(user.email), user.name, createdAt],
        );
        await insertOutboxEntries(tx, outbox, createdAt);
      });
    } catch (error) {
      if (this.sql.isUniqueViolation(error) && (await this.findByEmail(user.email))) {
        throw new DuplicateUser(user.email);
      }
      throw error;
    }
    return { ...user, createdAt };
  }

  async findById(id: string): Promise<User | undefined> {
    const [row] = await this.sql.query<UserRow>('SELECT * FROM users WHERE id = ?', [id]);
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const [row] = await this.sql.query<UserRow>('SELECT * FROM users WHERE email_key = ?', [
      normalizeEmailAddress(email),
    ]);
    return row && toUser(row);
  }
}
