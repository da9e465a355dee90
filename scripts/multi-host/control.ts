import http from 'node:http';
import type { NodeState } from './temporal';

/** What the control server acts on: the environment's Temporal nodes. */
export interface NodeControl {
  nodes(): NodeState[];
  killNode(index: number): Promise<void>;
  restartNode(index: number): Promise<void>;
}

export interface ControlServer {
  url: string;
  close(): Promise<void>;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ROUTE = /^\/nodes\/(\d+)\/(kill|restart)$/;

async function handle(control: NodeControl, method: string, url: string): Promise<unknown> {
  if (method === 'GET' && url === '/nodes') return { nodes: control.nodes() };
  const match = method === 'POST' ? ROUTE.exec(url) : null;
  if (!match) throw new ControlError(404, 'NOT_FOUND', `no route ${method} ${url}`);
  const index = Number(match[1]);
  const node = control.nodes()[index];
  if (!node) throw new ControlError(400, 'NO_SUCH_NODE', `no node ${index}`);
  const action = match[2];
  if (action === 'kill' && !node.running)
    throw new ControlError(409, 'NOT_RUNNING', `node ${index} is not running`);
  if (action === 'restart' && node.running)
    throw new ControlError(409, 'RUNNING', `node ${index} is running`);
  await (action === 'kill' ? control.killNode(index) : control.restartNode(index));
  return { nodes: control.nodes() };
}

/**
 * Lets test processes kill and restart Temporal nodes that this process owns, so that a restarted
 * node is still stopped with the rest of the environment.
 */
export async function startControlServer(port: number, control: NodeControl): Promise<ControlServer> {
  const server = http.createServer((request, response) => {
    request.resume();
    void handle(control, request.method ?? '', request.url ?? '')
      .then((body) => ({ status: 200, body }))
      .catch((error: unknown) =>
        error instanceof ControlError
          ? { status: error.status, body: { error: error.message, code: error.code } }
          : { status: 500, body: { error: String(error), code: 'FAILED' } },
      )
      .then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
