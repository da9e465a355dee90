// The HTTP contract run against each server the API can be mounted on: Fastify in this process
// (driven with `inject`), Spikard as a child process (`npm run api` with HTTP_SERVER=spikard) on a
// free loopback port. Both serve the same data folder and database, which the test can inspect.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { buildApp } from '../../src/api/app';
import { loadConfig, type Config, type HttpServerKind } from '../../src/config';
import { freeLoopbackPort } from '../../src/free-port';
import { silentLogger } from '../../src/logger';
import { openServices, type Services } from '../../src/services';

export const HTTP_ADAPTERS: readonly HttpServerKind[] = ['fastify', 'spikard'];

const ROOT = path.resolve(__dirname, '../..');

/**
 * The one divergence left between the servers: Spikard parses a JSON body before any JavaScript
 * runs and answers malformed JSON itself, in its RFC 9457 form (the binding offers no hook to
 * change that). Pinned, so that the tests notice the day it changes upstream.
 */
export const MALFORMED_JSON_ANSWER: Record<HttpServerKind, object> = {
  fastify: { code: 'VALIDATION_FAILED', error: 'Request body is not valid JSON' },
  spikard: { status: 400, title: 'Bad Request', detail: 'Invalid JSON in request body' },
};

export interface InjectOptions {
  method: string;
  url: string;
  /** An object is sent as JSON (with its content type unless one is given). */
  payload?: string | Buffer | object;
  headers?: Record<string, string>;
}

export interface InjectedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface AdapterApp {
  adapter: HttpServerKind;
  config: Config;
  services: Services;
  inject(options: InjectOptions): Promise<InjectedResponse>;
  /** The server's base URL on a real loopback connection. */
  url(): Promise<string>;
  close(): Promise<void>;
}

export interface AdapterAppOptions {
  /** The client the in-process services use; the child process is given `temporalAddress`. */
  temporal: Client;
  temporalAddress: string;
  /** Configuration, as environment variables, given to both servers alike. */
  env?: Record<string, string>;
}

function injected(statusCode: number, headers: InjectedResponse['headers'], body: string): InjectedResponse {
  return { statusCode, headers, body, json: () => JSON.parse(body) };
}

function fastifyApp(app: FastifyInstance): Pick<AdapterApp, 'inject' | 'url'> {
  let address: Promise<string> | undefined;
  return {
    inject: async (options) => {
      const response = await app.inject({
        method: options.method as 'GET',
        url: options.url,
        payload: options.payload as string,
        headers: options.headers,
      });
      return injected(response.statusCode, response.headers as InjectedResponse['headers'], response.body);
    },
    url: () => (address ??= app.listen({ port: 0, host: '127.0.0.1' })),
  };
}

function encode(options: InjectOptions): { body?: string | Buffer; headers: Record<string, string> } {
  const headers = { ...options.headers };
  const payload = options.payload;
  if (payload === undefined || typeof payload === 'string' || Buffer.isBuffer(payload)) {
    return { body: payload, headers };
  }
  const lower = Object.keys(headers).map((name) => name.toLowerCase());
  if (!lower.includes('content-type')) headers['content-type'] = 'application/json';
  return { body: JSON.stringify(payload), headers };
}

async function waitUntilServing(baseUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run api exited (${child.exitCode}):\n${output()}`);
    const up = await request(`${baseUrl}/healthz`)
      .then(async (response) => (await response.body.text(), response.statusCode === 200))
      .catch(() => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm run api did not answer on ${baseUrl} within 45 s:\n${output()}`);
}

/** Ends the child's whole process group (npm, tsx, node), waiting for it to go. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function spikardChild(
  config: Config,
  options: AdapterAppOptions,
): Promise<Pick<AdapterApp, 'inject' | 'url'> & { stop(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn('npm', ['run', '--silent', 'api'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...options.env,
      HTTP_SERVER: 'spikard',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: config.dataDir,
      TEMPORAL_ADDRESS: options.temporalAddress,
      LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitUntilServing(baseUrl, child, () => output);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    inject: async (options) => {
      const { body, headers } = encode(options);
      const response = await request(`${baseUrl}${options.url}`, {
        method: options.method as 'GET',
        headers,
        body,
      });
      return injected(response.statusCode, response.headers, await response.body.text());
    },
    url: async () => baseUrl,
    stop: () => stopChild(child),
  };
}

/** The API mounted by `adapter` over a fresh data folder, configured by `options.env`. */
export async function startAdapterApp(
  adapter: HttpServerKind,
  options: AdapterAppOptions,
): Promise<AdapterApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-jobs-test-'));
  const config = loadConfig({
    ...options.env,
    DATA_DIR: dataDir,
    HTTP_SERVER: adapter,
    TEMPORAL_ADDRESS: options.temporalAddress,
  });
  const services = await openServices(config);
  if (adapter === 'fastify') {
    const app = buildApp({ config, logger: silentLogger, temporal: options.temporal, services });
    return {
      adapter,
      config,
      services,
      ...fastifyApp(app),
      close: async () => {
        await app.close();
        await services.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const child = await spikardChild(config, options).catch(async (error: unknown) => {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    adapter,
    config,
    services,
    inject: child.inject,
    url: child.url,
    close: async () => {
      await child.stop();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
