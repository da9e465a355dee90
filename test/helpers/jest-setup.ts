import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep test output to what matters: the SDK logs every worker state change at INFO.
Runtime.install({ logger: new DefaultLogger('WARN') });
