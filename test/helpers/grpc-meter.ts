import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';

export interface Metered {
  /** The gRPC methods called, in order. */
  calls: string[];
  /** Response bytes as they came over the wire. */
  bytes: number;
}

/** Counts the gRPC calls a Temporal client makes and the bytes they answer (a client interceptor). */
export class GrpcMeter {
  private current: Metered = { calls: [], bytes: 0 };

  readonly interceptor: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        this.current.calls.push(options.method_definition.path.split('/').at(-1)!);
        next(metadata, {
          ...listener,
          onReceiveMessage: (message: Buffer) => {
            this.current.bytes += message.length;
            listener.onReceiveMessage(message);
          },
        });
      },
    });

  async measure(action: () => Promise<unknown>): Promise<Metered> {
    this.current = { calls: [], bytes: 0 };
    await action();
    return this.current;
  }
}
