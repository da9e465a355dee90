// The worker's Temporal SDK metrics come from the SDK runtime's own Prometheus exporter
// (`installWorkerRuntime` with a metrics address). The API appends them to /metrics.
import http from 'node:http';

export const DEFAULT_WORKER_METRICS_TIMEOUT_MS = 1_000;
/** Enough for the SDK's series; a runaway exporter must not make /metrics huge. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type WorkerMetricsResult = { ok: true; text: string } | { ok: false; reason: string };

/** GETs `http://<address>/metrics`; never throws, never waits longer than `timeoutMs`. */
export function fetchWorkerMetrics(
  address: string,
  timeoutMs = DEFAULT_WORKER_METRICS_TIMEOUT_MS,
): Promise<WorkerMetricsResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: WorkerMetricsResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = http.get(`http://${address}/metrics`, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish({ ok: false, reason: `exporter answered ${response.statusCode}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) finish({ ok: false, reason: 'exporter answer too large' });
        else chunks.push(chunk);
      });
      response.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => finish({ ok: false, reason: error.message }));
    });
    request.on('error', (error) => finish({ ok: false, reason: error.message }));
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
}
