import { createServer } from 'node:net';

/**
 * A port the OS just handed out and took back, for a child that must be told its port up front.
 * The relay needs it for both TCP and UDP; on loopback a clash is unlikely, and the start-up
 * check fails clearly if one happens.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new RangeError('no TCP port');
  return address.port;
}
