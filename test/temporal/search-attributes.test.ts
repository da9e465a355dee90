// A Temporal server that was not started with the job search attributes, like any cluster other
// than `npm start`'s dev server: job starts are refused with a 503 that says why, until the
// worker's namespace step adds them.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Metadata, status } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { silentLogger } from '../../src/logger';
import {
  ensureSearchAttributes,
  prepareNamespace,
  SearchAttributeSetupError,
} from '../../src/temporal/search-attributes';
import { createTestApp, type TestApp } from '../helpers/app';
import { createLocalEnv } from '../helpers/temporal-env';

const { IndexedValueType } = temporal.api.enums.v1;
const email = { to: 'ann@example.com', template: 'welcome', params: { name: 'Ann' } };

async function customAttributes(env: TestWorkflowEnvironment, namespace: string) {
  const listed = await env.connection.operatorService.listSearchAttributes({ namespace });
  return listed.customAttributes ?? {};
}

describe('job search attributes on a server that lacks them', () => {
  let env: TestWorkflowEnvironment;
  let testApp: TestApp;

  beforeAll(async () => {
    env = await createLocalEnv({
      searchAttributes: false,
      namespaces: ['racing', 'wrong-type', 'wrong-type-worker'],
    });
    testApp = await createTestApp(env.client);
  });

  afterAll(async () => {
    await testApp?.close();
    await env?.teardown();
  });

  it('answers 503 TEMPORAL_REJECTED with the server reason, then 202 once the namespace step ran', async () => {
    const refused = await testApp.app.inject({ method: 'POST', url: '/emails', payload: email });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({
      code: 'TEMPORAL_REJECTED',
      grpcStatus: 'INVALID_ARGUMENT',
      reason: 'Namespace default has no mapping defined for search attribute JobType',
    });
    expect(refused.json().error).toContain('no mapping defined for search attribute JobType');

    const setup = await prepareNamespace(env.connection, 'default', silentLogger);
    expect(setup).toEqual({ added: ['JobState', 'JobType'], present: [] });

    const accepted = await testApp.app.inject({ method: 'POST', url: '/emails', payload: email });
    expect(accepted.statusCode).toBe(202);
    expect(accepted.json().jobId).toMatch(/^email-/);
  });

  it('adds nothing the second time', async () => {
    await ensureSearchAttributes(env.connection.operatorService, 'default');
    const again = await ensureSearchAttributes(env.connection.operatorService, 'default');
    expect(again).toEqual({ added: [], present: ['JobState', 'JobType'] });
  });

  it('lets two workers set up the same namespace at once', async () => {
    const results = await Promise.all([
      ensureSearchAttributes(env.connection.operatorService, 'racing'),
      ensureSearchAttributes(env.connection.operatorService, 'racing'),
    ]);
    expect(results).toHaveLength(2);
    expect(await customAttributes(env, 'racing')).toMatchObject({
      JobState: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      JobType: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    });
  });

  it('refuses a namespace where JobType has another type, saying which and what to do', async () => {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'wrong-type',
      searchAttributes: { JobType: IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
    });
    const attempt = ensureSearchAttributes(env.connection.operatorService, 'wrong-type');
    await expect(attempt).rejects.toThrow(SearchAttributeSetupError);
    await expect(attempt).rejects.toThrow('JobType is Text but must be Keyword');
    expect(await customAttributes(env, 'wrong-type')).not.toHaveProperty('JobState');
  });

  it('stops the worker process with that message instead of polling', async () => {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'wrong-type-worker',
      searchAttributes: { JobType: IndexedValueType.INDEXED_VALUE_TYPE_TEXT },
    });
    const root = path.join(__dirname, '..', '..');
    const worker = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['src/worker.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATA_DIR: testApp.config.dataDir,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: 'wrong-type-worker',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => worker.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('JobType is Text but must be Keyword');
    expect(output).not.toContain('worker polling');
  });

  it('says how to create a namespace that does not exist', async () => {
    const attempt = ensureSearchAttributes(env.connection.operatorService, 'nowhere');
    await expect(attempt).rejects.toThrow(SearchAttributeSetupError);
    await expect(attempt).rejects.toThrow('temporal operator namespace create --namespace nowhere');
  });
});

// Permission and race answers cannot be provoked from the dev server: a stand-in operator
// service isolates how ensureSearchAttributes reacts to them.
describe('ensureSearchAttributes with answers the dev server never gives', () => {
  function grpcError(code: status, details: string): Error {
    return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
      code,
      details,
      metadata: new Metadata(),
    });
  }

  function operator(answers: {
    list: Array<Record<string, number> | Error>;
    add?: Error;
  }): Connection['operatorService'] & { added: Array<Record<string, number>> } {
    const added: Array<Record<string, number>> = [];
    return {
      added,
      listSearchAttributes: async () => {
        const next = answers.list.shift();
        if (next instanceof Error) throw next;
        return { customAttributes: next };
      },
      addSearchAttributes: async (request: { searchAttributes: Record<string, number> }) => {
        if (answers.add) throw answers.add;
        added.push(request.searchAttributes);
        return {};
      },
    } as unknown as Connection['operatorService'] & { added: Array<Record<string, number>> };
  }

  const KEYWORD = IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

  it('adds only the missing attribute', async () => {
    const service = operator({ list: [{ JobState: KEYWORD }] });
    await expect(ensureSearchAttributes(service, 'default')).resolves.toEqual({
      added: ['JobType'],
      present: ['JobState'],
    });
    expect(service.added).toEqual([{ JobType: KEYWORD }]);
  });

  it('stops on PERMISSION_DENIED with the exact commands to run', async () => {
    const service = operator({
      list: [{ JobState: KEYWORD }],
      add: grpcError(status.PERMISSION_DENIED, 'Request unauthorized.'),
    });
    const attempt = ensureSearchAttributes(service, 'payments.a1b2c');
    await expect(attempt).rejects.toThrow(SearchAttributeSetupError);
    await expect(attempt).rejects.toThrow(
      'lacks the search attributes JobType (Keyword), and this connection may not add them ' +
        '(PERMISSION_DENIED: Request unauthorized.)',
    );
    await expect(attempt).rejects.toThrow(
      'temporal operator search-attribute create --namespace payments.a1b2c --name JobType --type Keyword',
    );
  });

  it('treats ALREADY_EXISTS as another worker having won the race', async () => {
    const service = operator({
      list: [{}, { JobState: KEYWORD, JobType: KEYWORD }],
      add: grpcError(status.ALREADY_EXISTS, 'Search attribute JobState already exists.'),
    });
    await expect(ensureSearchAttributes(service, 'default')).resolves.toEqual({
      added: [],
      present: ['JobState', 'JobType'],
    });
  });

  it('reports, without failing, a server that may neither list nor add', async () => {
    const service = operator({
      list: [grpcError(status.UNIMPLEMENTED, 'ListSearchAttributes is unimplemented')],
      add: grpcError(status.PERMISSION_DENIED, 'Request unauthorized.'),
    });
    await expect(ensureSearchAttributes(service, 'default')).resolves.toEqual({
      added: [],
      present: [],
      unverified: 'UNIMPLEMENTED: ListSearchAttributes is unimplemented',
    });
  });

  it('lets connection failures through, for the worker to retry', async () => {
    const service = operator({ list: [grpcError(status.UNAVAILABLE, 'No connection established')] });
    await expect(ensureSearchAttributes(service, 'default')).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
  });
});
