// Docker does not run where the tests run: these checks hold the container files to what the
// code actually reads and runs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, unknown> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown };
  volumes?: string[];
}

function loadCompose(): Record<string, Service> {
  const document = parseDocument(read('docker-compose.yml'), { merge: true });
  expect(document.errors).toEqual([]);
  expect(document.warnings).toEqual([]);
  return (document.toJS() as { services: Record<string, Service> }).services;
}

function environmentNames(service: Service): string[] {
  const environment = service.environment ?? {};
  return Array.isArray(environment)
    ? environment.map((entry) => entry.split('=')[0]!)
    : Object.keys(environment);
}

function environmentValue(service: Service, name: string): string | undefined {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return environment.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
  }
  const value = environment[name];
  return value === undefined ? undefined : String(value);
}

/** Instructions of the Dockerfile's last stage, continuation lines joined. */
function finalStage(): string[] {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = lines.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(lastFrom);
}

const APP_SERVICES = ['api', 'worker'];

/** How Docker runs a health check: `CMD` (exec form) or `CMD-SHELL`, followed by the command. */
function checkForm(test: unknown): unknown {
  return Array.isArray(test) && test.length >= 2 ? test[0] : undefined;
}

describe('docker-compose.yml', () => {
  const services = loadCompose();
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('has the API, the worker and every server they need', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['api', 'mailpit', 'postgresql', 's3', 'temporal', 'temporal-ui', 'worker'].sort(),
    );
  });

  it.each(APP_SERVICES)('%s sets only variables the service reads', (name) => {
    const names = environmentNames(services[name]!);
    expect(names.length).toBeGreaterThan(5);
    const known = CONFIG_VARIABLES as readonly string[];
    expect(names.filter((variable) => !known.includes(variable))).toEqual([]);
  });

  it.each(APP_SERVICES)('%s reaches each server by a service name that exists', (name) => {
    const service = services[name]!;
    const hosts = [
      environmentValue(service, 'TEMPORAL_ADDRESS')!.split(':')[0],
      new URL(environmentValue(service, 'DATABASE_URL')!).hostname,
      new URL(environmentValue(service, 'S3_ENDPOINT')!).hostname,
      new URL(environmentValue(service, 'SMTP_URL')!).hostname,
    ];
    for (const host of hosts) expect(Object.keys(services)).toContain(host);
  });

  it('the API listens beyond the container loopback', () => {
    expect(environmentValue(services.api!, 'HOST')).toBe('0.0.0.0');
  });

  it.each(APP_SERVICES)('%s runs an npm script of that name from the image', (name) => {
    const command = services[name]!.command;
    expect(command).toEqual([name]);
    // Node's own flags (the worker's heap bounds) may come before the entry.
    const [, entry] = /^tsx (?:--[\w-]+=\S+ )*(src\/[\w/-]+\.ts)$/.exec(scripts[name] ?? '') ?? [];
    expect({ name, entryExists: entry !== undefined && fs.existsSync(path.join(ROOT, entry)) }).toEqual({
      name,
      entryExists: true,
    });
    expect(services[name]!.build).toBe('.');
  });

  it('pins every image it pulls by a version tag', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build !== undefined) continue;
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/^[a-z0-9./-]+:v?\d+(\.\d+)+[\w.-]*$/),
      });
    }
  });

  it('starts nothing before what it depends on is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = service.depends_on ?? {};
      expect({ name, listForm: Array.isArray(dependsOn) }).toEqual({ name, listForm: false });
      for (const [target, { condition }] of Object.entries(dependsOn)) {
        expect({ name, target, exists: target in services }).toEqual({ name, target, exists: true });
        expect({ name, target, condition }).toEqual({ name, target, condition: 'service_healthy' });
        expect({ target, form: checkForm(services[target]!.healthcheck?.test) }).toEqual({
          target,
          form: expect.stringMatching(/^CMD(-SHELL)?$/),
        });
      }
    }
    expect(Object.keys(services.worker!.depends_on ?? {})).toEqual(
      expect.arrayContaining(['temporal', 'postgresql', 's3', 'mailpit']),
    );
  });

  it('lets the worker scale: no fixed container name or host port', () => {
    expect(services.worker!.container_name).toBeUndefined();
    expect(services.worker!.ports).toBeUndefined();
    const check = services.worker!.healthcheck?.test as string[];
    const metricsPort = environmentValue(services.worker!, 'WORKER_METRICS_ADDRESS')?.split(':')[1];
    expect(checkForm(check)).toBe('CMD');
    expect(check.at(-1)).toContain(`http://127.0.0.1:${metricsPort}/metrics`);
  });

  it('mounts only files that exist', () => {
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./')) expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
      }
    }
  });
});

describe('Dockerfile', () => {
  const stage = finalStage();

  it('runs as a user other than root', () => {
    const users = stage.filter((line) => line.startsWith('USER ')).map((line) => line.slice(5).trim());
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
  });

  it('builds on a pinned Node 20 slim image', () => {
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1];
    expect(base).toMatch(/^node:20\.\d+\.\d+-[a-z]+-slim$/);
  });

  it('runs npm scripts, so `api` and `worker` are its commands', () => {
    expect(stage).toContain('ENTRYPOINT ["npm", "run", "--silent"]');
    const command = /^CMD \["(\w+)"\]$/m.exec(stage.join('\n'))?.[1];
    expect(scripts()).toHaveProperty(command!);
  });

  it('copies only paths that exist', () => {
    for (const line of stage.filter((candidate) => /^COPY (?!--from)/.test(candidate))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources)
        expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({
          source,
          exists: true,
        });
    }
  });

  it('installs production dependencies without the Temporal binaries, which the setup script then skips', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toContain('ENV DURABLE_JOBS_SKIP_TEMPORAL_SETUP=1');
    expect(dockerfile).toContain('npm ci --omit=dev');
    const output = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'setup-temporal.js')], {
      env: { ...process.env, DURABLE_JOBS_SKIP_TEMPORAL_SETUP: '1', TEMPORAL_CLI_PATH: '/nowhere/temporal' },
      encoding: 'utf8',
    });
    expect(output).toContain('skipped');
  });

  it('keeps dependencies, data and git history out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', '.git', '.temporal', 'data']));
  });

  function scripts(): Record<string, string> {
    return (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  }
});
