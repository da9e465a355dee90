// Loaded by path into the workflow bundle and the worker when payloads are encrypted: failure
// messages and stack traces (which may quote inputs) move into a payload the codec then seals.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
