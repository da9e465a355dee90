import { freeLoopbackPort } from '../../src/free-port';

/** A loopback port with nothing listening: connecting to it is refused. */
export const closedPort = freeLoopbackPort;
