import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, type EncryptionKey } from './payload-codec';

/** Loaded by path: the workflow bundle, the worker and the client each `require` it. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * Without keys, Temporal's defaults (payloads in clear, as `npm start` on loopback has them).
 * With keys, every payload, memo and failure message is sealed with the first key.
 */
export function payloadDataConverter(keys: readonly EncryptionKey[]): DataConverter | undefined {
  if (keys.length === 0) return undefined;
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
