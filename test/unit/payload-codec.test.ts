import crypto from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  type EncryptionKey,
} from '../../src/temporal/payload-codec';

const key = (id: string): EncryptionKey => ({ id, key: crypto.randomBytes(32) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const INPUT = {
  to: 'alice@example.com',
  template: 'password-reset',
  params: { name: 'Alice', token: 's3cr3t' },
};

async function sealOne(codec: AesGcmPayloadCodec, value: unknown = INPUT): Promise<Payload> {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return sealed!;
}

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload, metadata included, and leaves no plain text in the sealed one', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const original = defaultPayloadConverter.toPayload(INPUT);
    const sealed = await sealOne(codec);

    expect(text(sealed.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(sealed.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA]);
    for (const secret of ['alice@example.com', 'Alice', 's3cr3t', 'json/plain']) {
      expect(Buffer.from(sealed.data!).includes(secret)).toBe(false);
    }
    const [opened] = await codec.decode([sealed]);
    expect(text(opened!.metadata?.encoding)).toBe('json/plain');
    expect(Buffer.from(opened!.data!).equals(Buffer.from(original.data!))).toBe(true);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(INPUT);
  });

  it('uses a fresh IV each time: the same value never seals to the same bytes', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const [a, b] = [await sealOne(codec), await sealOne(codec)];
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  it('detects a tampered ciphertext with a clear error', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const sealed = await sealOne(codec);
    const data = Buffer.from(sealed.data!);
    data[20] = data[20]! ^ 0x01;
    const tampered = { ...sealed, data: new Uint8Array(data) };
    await expect(codec.decode([tampered])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([tampered])).rejects.toThrow(/key "k1".*failed authentication/);
  });

  it('refuses a payload relabelled with another key id (the id is authenticated)', async () => {
    const k1 = key('k1');
    // Same key bytes under both ids: only the authenticated id tells them apart.
    const codec = new AesGcmPayloadCodec([k1, { id: 'k2', key: k1.key }]);
    const sealed = await sealOne(new AesGcmPayloadCodec([k1]));
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('after rotation, still decodes what the old key sealed and seals with the new one', async () => {
    const [old, current] = [key('2025-01'), key('2026-01')];
    const sealedBefore = await sealOne(new AesGcmPayloadCodec([old]));
    const rotated = new AesGcmPayloadCodec([current, old]);

    const [opened] = await rotated.decode([sealedBefore]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(INPUT);
    expect(text((await sealOne(rotated)).metadata?.[KEY_ID_METADATA])).toBe('2026-01');
  });

  it('names an unknown key id', async () => {
    const sealed = await sealOne(new AesGcmPayloadCodec([key('retired')]));
    const codec = new AesGcmPayloadCodec([key('k1')]);
    await expect(codec.decode([sealed])).rejects.toThrow(
      'payload was encrypted with key "retired", which is not in PAYLOAD_ENCRYPTION_KEYS',
    );
  });

  it('passes payloads without the encrypted encoding through unchanged (histories from before)', async () => {
    const codec = new AesGcmPayloadCodec([key('k1')]);
    const plain = defaultPayloadConverter.toPayload(INPUT);
    const [passed] = await codec.decode([plain]);
    expect(passed).toBe(plain);
  });

  it('refuses keys that are not 32 bytes, and an empty key list', () => {
    expect(() => new AesGcmPayloadCodec([{ id: 'short', key: Buffer.alloc(16) }])).toThrow(
      /"short" must be 32 bytes/,
    );
    expect(() => new AesGcmPayloadCodec([])).toThrow(/at least one key/);
  });
});
