// A raw QUIC client that reads every stream the server opens and prints one JSON line per
// finished stream ({ streamId, bytes, atMs }, atMs on the wall clock that both ends share), then
// its connection's figures when the server closes. Run inside a namespace by the pacing bench and
// test: `quic-sink.ts HOST PORT`.
import { connectQuic, createQuicheConfig } from '../../src/transport/quic/index.js';
import { readAll } from '../../src/transport/quic/quic-test-kit.js';

const ALPN = 'quic-test';

async function main(): Promise<void> {
  const [host, port] = process.argv.slice(2);
  if (!host || !port) throw new Error('usage: quic-sink.ts HOST PORT');
  const connection = await connectQuic({
    host,
    port: Number(port),
    config: createQuicheConfig({ alpn: [ALPN] }, undefined, false),
  });
  const bytes = new Map<number, number>();
  readAll(connection, (streamId, data, fin) => {
    bytes.set(streamId, (bytes.get(streamId) ?? 0) + (data?.length ?? 0));
    if (!fin) return;
    const atMs = performance.timeOrigin + performance.now();
    process.stdout.write(`${JSON.stringify({ streamId, bytes: bytes.get(streamId), atMs })}\n`);
    bytes.delete(streamId);
  });
  await connection.established;
  process.stdout.write(`${JSON.stringify({ established: true })}\n`);
  await connection.closed;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
