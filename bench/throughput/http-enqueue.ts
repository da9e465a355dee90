// POST /emails through the real API over a fixed number of keep-alive connections.
import { Pool } from 'undici';
import { welcomeEmail } from './jobs';
import { runWarmLoad, type LoadResult } from './load';
import type { ThroughputSettings } from './settings';

async function postEmail(pool: Pool, index: number): Promise<void> {
  const response = await pool.request({
    method: 'POST',
    path: '/emails',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(welcomeEmail(index)),
  });
  const text = await response.body.text();
  if (response.statusCode !== 202) throw new Error(`POST /emails answered ${response.statusCode}: ${text}`);
}

export async function measureHttpEnqueue(apiUrl: string, settings: ThroughputSettings): Promise<LoadResult> {
  const pool = new Pool(apiUrl, { connections: settings.concurrency });
  try {
    return await runWarmLoad(settings.jobs, settings.concurrency, settings.phaseTimeoutMs, (index) =>
      postEmail(pool, index),
    );
  } finally {
    await pool.close();
  }
}
