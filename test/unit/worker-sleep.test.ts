import { getEventListeners } from 'node:events';
import { sleep } from '../../src/worker';

describe("the worker's reconnect wait", () => {
  it('leaves no abort listener behind once a wait times out, however many there were', async () => {
    const stop = new AbortController();
    for (let wait = 0; wait < 20; wait += 1) await sleep(1, stop.signal);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('ends at once when the signal aborts', async () => {
    const stop = new AbortController();
    const started = performance.now();
    const waiting = sleep(60_000, stop.signal);
    stop.abort();
    await waiting;
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
