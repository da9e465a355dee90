// One Ctrl-C reaches `npm start` more than once (the terminal's process group, npm, tsx): repeats
// within 2 s are the same request; a later signal exits without waiting for the drain.
import { silentLogger } from '../../src/logger';
import { onStopSignals } from '../../src/stop-signals';

describe('stop signals', () => {
  let listenersBefore: Record<'SIGINT' | 'SIGTERM', NodeJS.SignalsListener[]>;
  let now: number;

  beforeEach(() => {
    listenersBefore = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });

  afterEach(() => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!listenersBefore[signal].includes(listener)) process.off(signal, listener);
      }
    }
    jest.restoreAllMocks();
  });

  it('stops once for a signal and its relayed copies, and exits at once on a later one', () => {
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stop = jest.fn();
    onStopSignals(silentLogger, stop);

    process.emit('SIGINT');
    now += 500;
    process.emit('SIGINT');
    process.emit('SIGTERM');
    expect(stop).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledWith('SIGINT');
    expect(exit).not.toHaveBeenCalled();

    now += 5_000;
    process.emit('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
