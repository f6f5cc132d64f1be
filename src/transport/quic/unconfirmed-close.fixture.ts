/**
 * Runs in a child process (see quic-connection.test.ts): a client that closes between handshake
 * completion and confirmation once drove quiche into an endless synchronous send loop, which
 * no in-process test could survive. Prints one JSON line of figures per connection.
 */
import { createSocket } from 'node:dgram';
import { generateCertificate } from '../cert/index.js';
import {
  QuicServerEndpoint,
  connectQuic,
  createQuicheConfig,
  type QuicConnection,
} from './index.js';

const ATTEMPTS = 20;
const CLOSE_DELAYS_MS = [0, 2, 3, 5, 8, 12];

const cert = await generateCertificate({});
const serverSide: QuicConnection[] = [];
const server = await QuicServerEndpoint.listen({
  port: 0,
  config: () =>
    createQuicheConfig({ alpn: ['x'] }, { certPem: cert.certPem, keyPem: cert.keyPem }, false),
  onConnection: (connection) => serverSide.push(connection),
});

// A relay that never delivers the server's 1-RTT packets: the client completes its handshake
// but never receives HANDSHAKE_DONE, so its handshake stays unconfirmed.
const relay = createSocket('udp4');
await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve));
let clientPort = 0;
relay.on('message', (msg, from) => {
  if (from.port !== server.port) {
    clientPort = from.port;
    relay.send(msg, server.port, '127.0.0.1');
    return;
  }
  const longHeader = ((msg[0] ?? 0) & 0x80) !== 0;
  if (longHeader) relay.send(msg, clientPort, '127.0.0.1');
});

for (let i = 0; i < ATTEMPTS; i++) {
  const config = createQuicheConfig({ alpn: ['x'] }, undefined, false);
  const client = await connectQuic({ host: '127.0.0.1', port: relay.address().port, config });
  await client.established;
  await new Promise((resolve) => setTimeout(resolve, CLOSE_DELAYS_MS[i % CLOSE_DELAYS_MS.length]));
  const startedMs = performance.now();
  client.close(0x100, 'going away');
  await client.closed;
  const clientClosedMs = performance.now() - startedMs;
  const peer = serverSide[i];
  const serverError = await Promise.race([
    peer
      ? peer.closed.then((error) => error?.message ?? 'clean')
      : Promise.resolve('no connection'),
    new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 2000)),
  ]);
  const figures = { packetsSent: client.stats().packetsSent, clientClosedMs, serverError };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
relay.close();
await server.close();
