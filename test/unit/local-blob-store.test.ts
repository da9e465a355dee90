import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../src/files/local-blob-store';
import { describeBlobStoreContract } from '../helpers/blob-store-contract';

function startLocalStore() {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-blobs-'));
  const blobs = new LocalBlobStore(directory);
  const names = () => fs.readdirSync(directory);
  return {
    blobs,
    keys: async () => names().filter((name) => !name.endsWith('.partial')),
    leftovers: async () => names().filter((name) => name.endsWith('.partial')),
    close: async () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}

describeBlobStoreContract('LocalBlobStore', async () => startLocalStore());

describe('LocalBlobStore: keys and paths', () => {
  it.each(['../escape', '..', 'a/b', '.hidden', ''])(
    'refuses the key %p, which is not one plain file name',
    (key) => {
      const store = new LocalBlobStore(fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-blobs-')));
      try {
        expect(() => store.pathFor(key)).toThrow('Invalid blob key');
      } finally {
        fs.rmSync(store.directory, { recursive: true, force: true });
      }
    },
  );
});
