import fs from 'node:fs';
import type { Services } from '../../src/services';
import { localBlobs } from '../helpers/blobs';
import { uploadStoreContract } from '../helpers/upload-store-contract';

const names = (services: Services) => fs.readdirSync(localBlobs(services.blobs).directory);

describe('uploads with files on local disk (the default)', () => {
  uploadStoreContract(async () => ({
    config: {},
    keys: async (services) => names(services).filter((name) => !name.endsWith('.partial')),
    leftovers: async (services) => names(services).filter((name) => name.endsWith('.partial')),
    close: async () => undefined,
  }));
});
