import type { StorageHosts } from './hosts';
import { TABLES } from './fixtures';

/** How several hosts migrate one database: one set of tables, each version once. */
export function describeMigrationContract(hosts: StorageHosts): void {
  describe('migrations', () => {
    it('gives one set of tables and each version once when several hosts migrate an empty database together', async () => {
      const database = await hosts.backend.emptyDatabase();
      const clients = await Promise.all(Array.from({ length: 4 }, () => database.connect()));
      try {
        const schemas = await Promise.all(clients.map((client) => hosts.backend.schemaOf(client)));
        for (const schema of schemas) {
          expect(schema.tables).toEqual(expect.arrayContaining(TABLES));
          expect(schema.versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
        }
        const again = await database.connect();
        expect(await hosts.backend.schemaOf(again)).toEqual(schemas[0]);
        await again.close();
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    });
  });
}
