// GET /openapi.json: a valid OpenAPI 3.1 document, generated from the mounted route table, that
// lists every route and describes every error as a body with `error` and `code`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { apiRoutes } from '../../src/api/app';
import { openApiPath } from '../../src/api/openapi';
import { createMonitoring } from '../../src/api/routes/monitoring';
import { silentLogger } from '../../src/logger';
import { docsRoutes } from '../../src/api/routes/docs';
import { HTTP_ADAPTERS, startAdapterApp, type AdapterApp } from '../helpers/http-adapters';
import { closedPort } from '../helpers/ports';

const run = promisify(execFile);
const VALIDATOR = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'validate-api');

type Operation = { responses: Record<string, { content?: Record<string, { schema: SchemaLike }> }> };
type SchemaLike = { required?: string[]; allOf?: SchemaLike[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

function requiredFields(schema: SchemaLike): string[] {
  return [...(schema.required ?? []), ...(schema.allOf ?? []).flatMap(requiredFields)];
}

describe.each(HTTP_ADAPTERS)('GET /openapi.json (%s)', (adapter) => {
  let temporal: Client;
  let testApp: AdapterApp;
  let document: Document;
  let folder: string;

  beforeAll(async () => {
    // Describing the API needs no Temporal server: the client never connects.
    const temporalAddress = `127.0.0.1:${await closedPort()}`;
    temporal = new Client({ connection: Connection.lazy({ address: temporalAddress }) });
    testApp = await startAdapterApp(adapter, { temporal, temporalAddress });
    const response = await testApp.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-openapi-'));
  });

  afterAll(async () => {
    await testApp?.close();
    await temporal?.connection.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('validates as OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const file = path.join(folder, 'openapi.json');
    fs.writeFileSync(file, JSON.stringify(document));
    const { stdout } = await run(VALIDATOR, [file]);
    expect(JSON.parse(stdout)).toEqual({ valid: true });
  });

  // That each documented operation is mounted is checked on both servers by the authentication
  // test: every protected one answers 401 there, where an unmounted one would answer 404.
  it('lists every route of the route table, and only those', () => {
    const { config, services } = testApp;
    const monitoring = createMonitoring({
      temporal,
      temporalAddress: config.temporalAddress,
      webUiBaseUrl: config.temporalUiUrl,
      deadLetters: services.deadLetters,
    });
    const served = [...apiRoutes({ config, logger: silentLogger, temporal, services }), ...monitoring.routes];
    const routes = [...served, ...docsRoutes(served, { title: 'durable-jobs', version: '0' })];
    monitoring.close();
    for (const route of routes) {
      const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect({
        route: `${route.method} ${route.path}`,
        statuses: Object.keys(operation?.responses ?? {}),
      }).toEqual({
        route: `${route.method} ${route.path}`,
        statuses: expect.arrayContaining([...Object.keys(route.schema.responses), '500']),
      });
    }
    const table = routes.map((route) => `${route.method} ${openApiPath(route.path)}`).sort();
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(table);
    expect(document.paths['/openapi.json']?.get?.responses['200']?.content).toHaveProperty(
      'application/json',
    );
    expect(document.paths['/docs']?.get?.responses['200']?.content).toHaveProperty('text/html');
  });

  it('describes every error response as a body with error and code, and a 500 everywhere', () => {
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(
          requiredFields(operation.responses['500']?.content?.['application/json']?.schema ?? {}),
        ).toEqual(expect.arrayContaining(['error', 'code']));
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          const schema = response.content?.['application/json']?.schema;
          expect(requiredFields(schema ?? {})).toEqual(expect.arrayContaining(['error', 'code']));
        }
      }
    }
  });

  it.each([
    ['/jobs/' + 'j'.repeat(300), 'jobId'],
    ['/jobs/' + 'j'.repeat(2000), undefined],
    ['/files/%zz', undefined],
  ])('answers a bad path (%#) with a 400 error body, not a router message', async (url, field) => {
    const response = await testApp.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', location: 'params' });
    expect(response.json().field).toBe(field);
  });

  it('GET /docs serves a page that reads the document', async () => {
    const response = await testApp.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('/openapi.json');
  });
});
