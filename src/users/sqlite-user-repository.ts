import { normalizeEmailAddress } from '../email/address';
import type { Database } from '../db/database';
import type { NewOutboxEntry } from '../outbox/outbox-entry';
import { insertOutboxEntries } from '../outbox/sqlite-outbox-repository';
import type { NewUser, User } from './user';
import { EmailAlreadyRegisteredError, type UserRepository } from './user-repository';

interface UserRow {
  id: string;
  email: string;
  name: string;
  created_at: string;
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

export class SqliteUserRepository implements UserRepository {
  constructor(private readonly db: Database) {}

  async createWithOutbox(user: NewUser, outbox: NewOutboxEntry[]): Promise<User> {
    const createdAt = new Date().toISOString();
    const save = this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO users (id, email, email_key, name, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(user.id, user.email, normalizeEmailAddress(user.email), user.name, createdAt);
      insertOutboxEntries(this.db, outbox, createdAt);
    });
    try {
      save.immediate();
    } catch (error) {
      if (isUniqueViolation(error) && (await this.findByEmail(user.email))) {
        throw new EmailAlreadyRegisteredError(user.email);
      }
      throw error;
    }
    return { ...user, createdAt };
  }

  async findById(id: string): Promise<User | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<User | undefined> {
    const row = this.db
      .prepare('SELECT * FROM users WHERE email_key = ?')
      .get(normalizeEmailAddress(email)) as UserRow | undefined;
    return row && toUser(row);
  }
}
