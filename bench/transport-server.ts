/**
 * The receiving side of `npm run bench:transport`, in its own process so client and server CPU
 * are measured apart (as they would run on two machines). Counts bytes per case and reports its
 * own CPU time to the parent over IPC.
 */
import { generateCertificate } from '../src/transport/cert/index.js';
import {
  QuicServerEndpoint,
  createQuicheConfig,
  defaultCongestionControl,
  type CongestionControl,
} from '../src/transport/quic/index.js';
import { WebTransportServer } from '../src/transport/webtransport/index.js';

const congestionControl = (process.env.BENCH_CC ?? defaultCongestionControl()) as CongestionControl;
const cert = await generateCertificate();
let expectedBytes = 0;
let receivedBytes = 0;
let cpuAtStart = process.cpuUsage();

function count(bytes: number): void {
  receivedBytes += bytes;
  if (expectedBytes > 0 && receivedBytes >= expectedBytes) {
    const cpu = process.cpuUsage(cpuAtStart);
    expectedBytes = 0;
    process.send?.({ type: 'done', cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
}

const wt = await WebTransportServer.listen({
  port: 0,
  tls: () => cert,
  quic: { congestionControl },
});
void (async () => {
  for (let s = await wt.accept(); s; s = await wt.accept()) {
    void (async () => {
      for await (const stream of s.session.incomingUnidirectionalStreams) {
        void (async () => {
          for await (const chunk of stream) count(chunk.length);
        })();
      }
    })();
  }
})();

const raw = await QuicServerEndpoint.listen({
  port: 0,
  config: () => createQuicheConfig({ alpn: ['bench-raw'], congestionControl }, cert, false),
  onConnection: (connection) => {
    connection.handler = {
      onEstablished: () => undefined,
      onStreamReadable: (id) => {
        for (;;) {
          const chunk = connection.read(id);
          if (chunk.data) count(chunk.data.length);
          if (!chunk.data || chunk.fin) return;
        }
      },
      onDatagram: () => undefined,
      onClosed: () => undefined,
    };
  },
});

process.on('message', (message: { type: string; bytes: number }) => {
  if (message.type === 'exit') process.exit(0); // exits cleanly so --cpu-prof can write
  if (message.type !== 'expect') return;
  receivedBytes = 0;
  expectedBytes = message.bytes;
  cpuAtStart = process.cpuUsage();
  process.send?.({ type: 'ready' });
});
process.send?.({ type: 'listening', wtPort: wt.port, rawPort: raw.port, hash: cert.sha256Hex });
