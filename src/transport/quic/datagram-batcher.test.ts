import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, test } from 'node:test';
import { until } from '../../async/index.js';
import { generateCertificate } from '../cert/index.js';
import { DatagramBatcher } from './datagram-batcher.js';
import { QuicServerEndpoint, connectQuic, createQuicheConfig } from './index.js';
import {
  ALPN,
  ReceivedDigest,
  TRANSFER_BYTES,
  echoStreams,
  payload,
  sha256,
} from './quic-test-kit.js';
import {
  UDP_BATCH_ADDON_ENV,
  UDP_BATCH_ENV,
  UDP_GSO_ENV,
  resetUdpBatchAddon,
  udpBatchAddon,
} from './udp-batch-addon.js';

const ENV_KEYS = [UDP_BATCH_ENV, UDP_GSO_ENV, UDP_BATCH_ADDON_ENV];
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

/** Each send mode, as the environment selects it (the addon is loaded again per mode). */
const MODES = {
  gso: { [UDP_BATCH_ENV]: '1', [UDP_GSO_ENV]: '1' },
  sendmmsg: { [UDP_BATCH_ENV]: '1', [UDP_GSO_ENV]: '0' },
  js: { [UDP_BATCH_ENV]: '0' },
} as const;
type Mode = keyof typeof MODES;

function useMode(mode: Mode): void {
  for (const key of ENV_KEYS) delete process.env[key];
  Object.assign(process.env, MODES[mode]);
  resetUdpBatchAddon();
}

function restoreEnv(): void {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  resetUdpBatchAddon();
}

const nativeMissing = (() => {
  resetUdpBatchAddon();
  const mode = udpBatchAddon().mode;
  resetUdpBatchAddon();
  return mode === 'native' ? false : `addon not loaded here (${mode}); build: npm run build:native`;
})();

async function udpSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setRecvBufferSize(8 * 1024 * 1024);
  return socket;
}

/** 600 datagrams: runs of equal size (GSO's case), odd sizes between, 1..1500 bytes. */
function datagrams(): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; out.length < 600; i++) {
    const size = i % 3 === 0 ? 2 + ((i * 97) % 1499) : 1350;
    const run = i % 3 === 0 ? 1 : 1 + (i % 70);
    for (let k = 0; k < run && out.length < 600; k++) {
      const packet = Buffer.alloc(k === run - 1 && run > 1 ? size - 200 : size);
      for (let b = 0; b < packet.length; b++) packet[b] = (out.length * 31 + b) & 0xff;
      packet.writeUInt16BE(out.length, 0);
      out.push(packet);
    }
  }
  return out;
}

/** Sends through a batcher in this mode; what the receiver got, in arrival order. */
async function sendThrough(
  mode: Mode,
  connected: boolean,
): Promise<{ got: Buffer[]; batcher: DatagramBatcher }> {
  useMode(mode);
  const [sender, receiver] = await Promise.all([udpSocket(), udpSocket()]);
  const got: Buffer[] = [];
  receiver.on('message', (msg) => got.push(msg));
  const to = { host: '127.0.0.1', port: receiver.address().port };
  if (connected) await new Promise<void>((resolve) => sender.connect(to.port, to.host, resolve));
  const batcher = new DatagramBatcher(sender, connected);
  const sent = datagrams();
  // In bursts of 100 per job, as connections flush: the arena (256) fills and flushes mid-burst.
  for (let start = 0; start < sent.length; start += 100) {
    for (const packet of sent.slice(start, start + 100)) {
      const slot = batcher.slot();
      packet.copy(slot);
      batcher.commit(packet.length, to);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await until('all datagrams received', () => got.length >= sent.length, { timeoutMs: 20_000 });
  sender.close();
  receiver.close();
  return { got, batcher };
}

describe('datagram batcher over a real UDP socket', { timeout: 60_000 }, () => {
  afterEach(restoreEnv);

  for (const mode of ['gso', 'sendmmsg', 'js'] as const) {
    for (const connected of [false, true]) {
      const name = `${mode}, ${connected ? 'connected' : 'unconnected'} socket: N datagrams in, the same N out, same order and bytes`;
      test(name, { skip: mode !== 'js' && nativeMissing }, async () => {
        const { got, batcher } = await sendThrough(mode, connected);
        const sent = datagrams();
        assert.equal(got.length, sent.length);
        got.forEach((packet, i) => assert.ok(packet.equals(sent[i]!), `datagram ${i} differs`));
        assert.equal(batcher.native, mode !== 'js');
        assert.equal(batcher.stats.packets, sent.length);
        if (mode === 'js') {
          assert.equal(batcher.stats.batches, 0);
        } else {
          // Bursts of 100 through a 256-packet arena: a handful of sendmmsg calls, not 600 sends.
          assert.ok(batcher.stats.batches <= 12, `${batcher.stats.batches} batches`);
          assert.equal(batcher.stats.fallbackPackets, 0);
        }
      });
    }
  }

  test('MOQ_UDP_BATCH=0 forces the JavaScript path', () => {
    useMode('js');
    assert.equal(udpBatchAddon().mode, 'disabled');
    assert.equal(udpBatchAddon().addon, undefined);
  });

  test('an addon that cannot load leaves the JavaScript path, and sends still arrive', async () => {
    for (const path of ['/nonexistent/udp_batch.node', new URL(import.meta.url).pathname]) {
      for (const key of ENV_KEYS) delete process.env[key];
      process.env[UDP_BATCH_ADDON_ENV] = path;
      resetUdpBatchAddon();
      assert.equal(udpBatchAddon().mode, 'unavailable', path);
    }
    const [sender, receiver] = await Promise.all([udpSocket(), udpSocket()]);
    const got: Buffer[] = [];
    receiver.on('message', (msg) => got.push(msg));
    const batcher = new DatagramBatcher(sender, false);
    assert.equal(batcher.native, false);
    const slot = batcher.slot();
    slot.write('hello', 0);
    batcher.commit(5, { host: '127.0.0.1', port: receiver.address().port });
    await until('the datagram received', () => got.length === 1, { timeoutMs: 10_000 });
    assert.equal(got[0]!.toString(), 'hello');
    sender.close();
    receiver.close();
  });
});

/** The client sends 3 MB on a stream; the server echoes it back; returns the echo's digest. */
async function echoTransfer(
  mode: Mode,
): Promise<{ digest: string; bytes: number; serverNative: boolean }> {
  useMode(mode);
  const cert = await generateCertificate({});
  const server = await QuicServerEndpoint.listen({
    port: 0,
    config: () =>
      createQuicheConfig({ alpn: [ALPN] }, { certPem: cert.certPem, keyPem: cert.keyPem }, false),
    onConnection: (connection) => {
      echoStreams(connection);
    },
  });
  const client = await connectQuic({
    host: '127.0.0.1',
    port: server.port,
    config: createQuicheConfig({ alpn: [ALPN] }, undefined, false),
  });
  try {
    await client.established;
    const received = new ReceivedDigest(client);
    const data = payload();
    const streamId = await client.openStream(true, data.subarray(0, 1000));
    for (let at = 1000; at < data.length; at += 64 * 1024) {
      const end = Math.min(at + 64 * 1024, data.length);
      await client.write(streamId, data.subarray(at, end), end === data.length);
    }
    await until('the echo finished', () => received.done, { timeoutMs: 60_000 });
    return {
      digest: received.digest(),
      bytes: received.bytes,
      serverNative: server.sendStats().native,
    };
  } finally {
    client.close(0, 'done');
    await server.close();
  }
}

describe('a QUIC transfer with batched and unbatched sends', { timeout: 240_000 }, () => {
  afterEach(restoreEnv);

  test(
    'gso, sendmmsg and the JS path deliver identical bytes both ways',
    { skip: nativeMissing },
    async () => {
      const expected = sha256(payload());
      for (const mode of ['gso', 'sendmmsg', 'js'] as const) {
        const result = await echoTransfer(mode);
        assert.equal(result.bytes, TRANSFER_BYTES, mode);
        assert.equal(result.digest, expected, mode);
        assert.equal(result.serverNative, mode !== 'js', mode);
      }
    },
  );
});
