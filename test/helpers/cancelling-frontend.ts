import {
  Server,
  ServerCredentials,
  status,
  type handleUnaryCall,
  type MethodDefinition,
} from '@grpc/grpc-js';

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService';
/** The calls the API makes to start and read jobs. */
const REFUSED_METHODS = [
  'StartWorkflowExecution',
  'ExecuteMultiOperation',
  'DescribeWorkflowExecution',
  'DescribeNamespace',
  'GetWorkflowExecutionHistory',
  'ListWorkflowExecutions',
  'CountWorkflowExecutions',
];

const passThrough = (bytes: Buffer) => bytes;

function unaryMethod(name: string): MethodDefinition<Buffer, Buffer> {
  return {
    path: `${SERVICE}/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  };
}

/**
 * A real gRPC server on loopback posing as a Temporal frontend that ends every call with one status
 * (as a frontend does while it restarts): only GetSystemInfo is answered, with an empty reply.
 */
export async function startRefusingFrontend(
  code: status,
): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new Server();
  const definition: Record<string, MethodDefinition<Buffer, Buffer>> = {
    GetSystemInfo: unaryMethod('GetSystemInfo'),
  };
  const handlers: Record<string, handleUnaryCall<Buffer, Buffer>> = {
    GetSystemInfo: (_call, callback) => callback(null, Buffer.alloc(0)),
  };
  for (const name of REFUSED_METHODS) {
    definition[name] = unaryMethod(name);
    handlers[name] = (_call, callback) => callback({ code, details: `frontend answered ${status[code]}` });
  }
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
