// Temporal's remote codec protocol: `{ "payloads": [{ "metadata": { name: base64 }, "data": base64 }] }`
// (protobuf JSON, so every bytes field is base64), run through the payload codec and answered in
// the same shape. The Web UI and `temporal --codec-endpoint` call it to show encrypted payloads.
import type { Payload, PayloadCodec } from '@temporalio/common';
import { InvalidInput } from '../errors';
import { PayloadDecryptionError } from './payload-codec';

export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

function fromJson(payload: JsonPayload): Payload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [
      name,
      Buffer.from(value ?? new Uint8Array()).toString('base64'),
    ]),
  );
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

export type CodecDirection = 'encode' | 'decode';

/** A payload the codec cannot open (altered, unknown key) is the caller's input problem: 400. */
export async function runRemoteCodec(
  codec: PayloadCodec,
  direction: CodecDirection,
  payloads: JsonPayload[],
): Promise<JsonPayload[]> {
  const decoded = payloads.map(fromJson);
  try {
    const converted = direction === 'encode' ? await codec.encode(decoded) : await codec.decode(decoded);
    return converted.map(toJson);
  } catch (error) {
    if (error instanceof PayloadDecryptionError) {
      throw new InvalidInput(error.message, { field: 'payloads', location: 'body' });
    }
    throw error;
  }
}
