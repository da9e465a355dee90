// At `info`, a log shows what happened to jobs, not the SDK's worker chatter or every status poll.
import pino from 'pino';
import { buildApp } from '../../src/api/app';
import { createTemporalClient } from '../../src/temporal/client';
import { temporalLoggerFor } from '../../src/temporal/runtime';
import { closedPort } from '../helpers/ports';
import { createTestApp, type TestApp } from '../helpers/app';

function capturingLogger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

describe("the SDK's log lines", () => {
  it("logs the worker's own INFO lines at debug and keeps activity and workflow lines at info", () => {
    const { logger, lines } = capturingLogger('info');
    const sdkLogger = temporalLoggerFor(logger);
    sdkLogger.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    sdkLogger.info('polling', { sdkComponent: 'core' });
    sdkLogger.info('file analysed', { sdkComponent: 'activity', jobId: 'upload-1' });
    sdkLogger.info('step done', { sdkComponent: 'workflow', jobId: 'upload-1' });
    sdkLogger.warn('Activity failed', { sdkComponent: 'worker' });
    expect(lines.map((line) => line.msg)).toEqual(['file analysed', 'step done', 'Activity failed']);

    const verbose = capturingLogger('debug');
    temporalLoggerFor(verbose.logger).info('Worker state changed', { sdkComponent: 'worker' });
    expect(verbose.lines).toMatchObject([{ msg: 'Worker state changed', level: 20 }]);
  });
});

describe("the API's request lines", () => {
  let testApp: TestApp;

  beforeAll(async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    testApp = await createTestApp(
      createTemporalClient({ temporalAddress: address, temporalNamespace: 'default' }),
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function requestLines(level: string) {
    const { logger, lines } = capturingLogger(level);
    const { config, services } = testApp;
    const app = buildApp({ config, logger, temporal: createTemporalClient(config), services });
    try {
      await app.inject({ method: 'GET', url: '/healthz' });
      const reads = lines.length;
      const upload = await app.inject({
        method: 'POST',
        url: '/files',
        payload: 'logged',
        headers: { 'content-type': 'text/plain' },
      });
      expect(upload.statusCode).toBe(201);
      return { reads, all: lines.length };
    } finally {
      await app.close();
    }
  }

  it('logs reads only at debug, and changes at info', async () => {
    expect(await requestLines('info')).toEqual({ reads: 0, all: 2 });
    expect(await requestLines('debug')).toEqual({ reads: 2, all: 4 });
  });
});
