import crypto from 'node:crypto';
import { ConfigError, CONFIG_VARIABLES, loadConfig } from '../../src/config';

const base64Key = (bytes = 32) => crypto.randomBytes(bytes).toString('base64');

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  it('is listed among the variables the service reads', () => {
    expect(CONFIG_VARIABLES).toContain('PAYLOAD_ENCRYPTION_KEYS');
  });

  it('is off by default on loopback, so npm start stays as it is', () => {
    expect(loadConfig({}).payloadEncryptionKeys).toEqual([]);
    expect(loadConfig({ HOST: 'localhost' }).payloadEncryptionKeys).toEqual([]);
  });

  it('reads keys in order: the first encrypts, the others decode', () => {
    const [a, b] = [base64Key(), base64Key()];
    const keys = loadConfig({ PAYLOAD_ENCRYPTION_KEYS: ` new:${a} , old:${b}` }).payloadEncryptionKeys;
    expect(keys.map((entry) => entry.id)).toEqual(['new', 'old']);
    expect(keys[0]!.key.equals(Buffer.from(a, 'base64'))).toBe(true);
    expect(keys[1]!.key.length).toBe(32);
  });

  it('is required when the API listens beyond loopback', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS is required/);
    expect(
      loadConfig({ HOST: '0.0.0.0', PAYLOAD_ENCRYPTION_KEYS: `k1:${base64Key()}` }).payloadEncryptionKeys,
    ).toHaveLength(1);
  });

  it.each([
    ['a key of 31 bytes', `k1:${base64Key(31)}`, /"k1" must be exactly 32 bytes/],
    ['a key of 33 bytes', `k1:${base64Key(33)}`, /"k1" must be exactly 32 bytes/],
    [
      'a key that is not base64',
      'k1:not*base64*at*all*not*base64*at*all*xx',
      /"k1" must be exactly 32 bytes/,
    ],
    ['an entry without an id', base64Key(), /keyId:base64key/],
    ['an empty id', `:${base64Key()}`, /keyId:base64key/],
    ['an empty entry', `k1:${base64Key()},`, /keyId:base64key/],
    ['a duplicate id', `k1:${base64Key()},k1:${base64Key()}`, /names key "k1" twice/],
  ])('refuses %s, naming the variable', (_case, value, message) => {
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(/PAYLOAD_ENCRYPTION_KEYS/);
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: value })).toThrow(message);
  });
});
