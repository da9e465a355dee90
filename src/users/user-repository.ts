import type { NewOutboxEntry } from '../outbox/outbox-entry';
import type { NewUser, User } from './user';

/**
 * Storage for users. Asynchronous so that a networked SQL database can implement it as well as
 * SQLite does.
 */
export interface UserRepository {
  /**
   * Saves the user together with the outbox entries (jobs to start because of it) atomically:
   * either all are stored or none. Throws `DuplicateUser` for a taken address,
   * compared case-insensitively.
   */
  createWithOutbox(user: NewUser, outbox: NewOutboxEntry[]): Promise<User>;
  findById(id: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
}
