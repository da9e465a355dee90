// HTTP_SERVER: which server mounts the routes, and a clear stop where Spikard cannot run.
import { collectEventWindow } from '../../src/api/event-window';
import { loadSpikard, SPIKARD_PACKAGE } from '../../src/api/spikard-binding';
import { loadConfig } from '../../src/config';

describe('HTTP_SERVER', () => {
  it('is fastify unless set, and spikard when asked for', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/unused' }).httpServer).toBe('fastify');
    expect(loadConfig({ DATA_DIR: '/tmp/unused', HTTP_SERVER: 'spikard' }).httpServer).toBe('spikard');
  });

  it('refuses another value, naming the variable and the choices', () => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/unused', HTTP_SERVER: 'express' })).toThrow(
      /HTTP_SERVER must be one of fastify, spikard, got "express"/,
    );
  });

  it.each([
    ['darwin', 'arm64', true, 'darwin-arm64'],
    ['win32', 'x64', false, 'win32-x64'],
    ['linux', 'arm64', true, 'linux-arm64-gnu'],
    ['linux', 'x64', false, 'linux-x64-musl'],
  ] as const)('stops on %s-%s naming the platform and the package', (platform, arch, glibc, named) => {
    expect(() => loadSpikard(platform, arch, () => glibc)).toThrow(
      new RegExp(`needs ${SPIKARD_PACKAGE}.*this platform is ${named}\\. Use HTTP_SERVER=fastify`),
    );
  });

  it('loads the binding on linux-x64 with glibc', () => {
    const binding = loadSpikard('linux', 'x64', () => true);
    expect(typeof binding.App).toBe('function');
    expect(binding.Method.Get).toBe('Get');
  });
});

describe('an event stream answered whole', () => {
  async function* chunks(parts: [number, string][]) {
    for (const [delayMs, chunk] of parts) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      yield chunk;
    }
  }

  it('answers with the whole stream when it ends', async () => {
    const body = await collectEventWindow(
      chunks([
        [0, 'retry: 1000\n\n'],
        [5, 'id: 1\ndata: a\n\n'],
      ]),
      {
        quietMs: 1_000,
        lingerMs: 500,
      },
    );
    expect(body).toBe('retry: 1000\n\nid: 1\ndata: a\n\n');
  });

  it('ends shortly after the first event, and closes the stream', async () => {
    let closed = false;
    const stream = {
      [Symbol.asyncIterator]() {
        const inner = chunks([
          [0, 'retry: 1000\n\n'],
          [5, 'id: 1\ndata: a\n\n'],
          [10, 'id: 2\ndata: b\n\n'],
          [400, 'id: 3\ndata: late\n\n'],
        ]);
        return {
          next: () => inner.next(),
          return: async () => {
            closed = true;
            return { value: undefined, done: true as const };
          },
        };
      },
    };
    const body = await collectEventWindow(stream, { quietMs: 1_000, lingerMs: 100 });
    expect(body).toBe('retry: 1000\n\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n');
    expect(closed).toBe(true);
  });

  it('answers with what there is after a quiet wait without events', async () => {
    let sent = false;
    const silent = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (sent) return new Promise<IteratorResult<string>>(() => undefined);
          sent = true;
          return Promise.resolve({ value: 'retry: 1000\n\n', done: false as const });
        },
      }),
    };
    const started = Date.now();
    const body = await collectEventWindow(silent, { quietMs: 100, lingerMs: 50 });
    expect(body).toBe('retry: 1000\n\n');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
