// A UDP relay that delays one direction: what a local client sends reaches the server `delayMs`
// later; the server's packets pass at once. Inside a namespace it gives a shaped link a round trip
// without netem (which some kernels lack), and without deepening the link's queue.
// `udp-delay-proxy.ts SERVER_HOST SERVER_PORT DELAY_MS`: prints `{"port":N}` once listening on
// 127.0.0.1:N.
import { createSocket, type RemoteInfo } from 'node:dgram';

function main(): void {
  const [serverHost, serverPort, delayArg] = process.argv.slice(2);
  if (!serverHost || !serverPort || !delayArg) {
    throw new Error('usage: udp-delay-proxy.ts SERVER_HOST SERVER_PORT DELAY_MS');
  }
  const delayMs = Number(delayArg);
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  let client: RemoteInfo | undefined;
  front.on('message', (packet, from) => {
    client = from;
    setTimeout(() => back.send(packet, Number(serverPort), serverHost), delayMs);
  });
  back.on('message', (packet) => {
    if (client) front.send(packet, client.port, client.address);
  });
  back.bind(0, () => {
    back.setRecvBufferSize(8 * 1024 * 1024);
    front.bind(0, '127.0.0.1', () => {
      process.stdout.write(`${JSON.stringify({ port: front.address().port })}\n`);
    });
  });
}

main();
