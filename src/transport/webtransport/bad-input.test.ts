import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { until } from '../../async/index.js';
import fc from 'fast-check';
import { generateCertificate, type CertificateMaterial } from '../cert/index.js';
import {
  FrameReader,
  FrameType,
  H3ErrorCode,
  StreamType,
  clientSettings,
  decodeFieldSection,
  encodeFieldSection,
  encodeFrame,
  encodeSettings,
} from '../h3/index.js';
import { connectQuic, createQuicheConfig, type QuicConnection } from '../quic/index.js';
import { patternBytes, readAll, serveEcho, writeAll } from '../testing/index.js';
import { WebTransportServer, connectWebTransport, type ClientSession } from './index.js';

let cert: CertificateMaterial;
let server: WebTransportServer;
let bystander: ClientSession;

/** A hand-driven HTTP/3 client, so tests can send what a well-behaved one never would. */
class RawH3Client {
  readonly responses = new Map<number, FrameReader>();
  constructor(readonly connection: QuicConnection) {}

  static async connect(): Promise<RawH3Client> {
    const config = createQuicheConfig({ alpn: ['h3'] }, undefined, false);
    const connection = await connectQuic({ host: '127.0.0.1', port: server.port, config });
    const client = new RawH3Client(connection);
    await new Promise<void>((resolve, reject) => {
      connection.handler = {
        onEstablished: () => resolve(),
        onStreamReadable: (id) => client.#onReadable(id),
        onDatagram: () => undefined,
        onClosed: (error) => reject(error ?? new Error('closed')),
      };
    });
    return client;
  }

  async openControl(extra: Uint8Array = new Uint8Array(0), fin = false): Promise<number> {
    const settings = encodeFrame(FrameType.SETTINGS, encodeSettings(clientSettings()));
    const id = await this.connection.openStream(
      false,
      Buffer.concat([Buffer.from([StreamType.CONTROL]), settings]),
    );
    if (extra.length > 0 || fin) await this.connection.write(id, extra, fin);
    return id;
  }

  /** Sends raw bytes on a new request stream and resolves with the response's :status. */
  async request(bytes: Uint8Array, fin = false): Promise<string | undefined> {
    const id = await this.connection.openStream(true, bytes);
    if (fin) await this.connection.write(id, new Uint8Array(0), true);
    const reader = new FrameReader();
    this.responses.set(id, reader);
    for (let i = 0; i < 200; i++) {
      const frame = reader.next();
      if (frame?.type === FrameType.HEADERS) {
        return decodeFieldSection(frame.payload).find(([n]) => n === ':status')?.[1];
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return undefined;
  }

  /** Resolves with the HTTP/3 error code the server closed the connection with. */
  async closedWith(): Promise<number | undefined> {
    const error = await this.connection.closed;
    return error?.applicationCode;
  }

  #onReadable(id: number): void {
    for (;;) {
      let chunk;
      try {
        chunk = this.connection.read(id);
      } catch {
        return;
      }
      if (chunk.data) this.responses.get(id)?.push(chunk.data);
      if (!chunk.data) return;
    }
  }
}

const connect = (fields: Array<[string, string]>): Uint8Array =>
  encodeFrame(FrameType.HEADERS, encodeFieldSection(fields));

const webTransportConnect = (path: string): Array<[string, string]> => [
  [':method', 'CONNECT'],
  [':scheme', 'https'],
  [':authority', `127.0.0.1:${server.port}`],
  [':path', path],
  [':protocol', 'webtransport'],
];

async function assertBystanderWorks(): Promise<void> {
  const stream = await bystander.createBidirectionalStream();
  const sent = patternBytes(10_000, 9);
  const [, echoed] = await Promise.all([writeAll(stream.writable, sent), readAll(stream.readable)]);
  assert.deepEqual(echoed, sent);
}

before(async () => {
  cert = await generateCertificate();
  server = await WebTransportServer.listen({
    port: 0,
    tls: () => cert,
    policy: (request) =>
      request.url.pathname === '/echo'
        ? { accept: true, protocol: '' }
        : { accept: false, status: 404 },
  });
  void (async () => {
    for (let s = await server.accept(); s; s = await server.accept()) serveEcho(s.session);
  })();
  bystander = await connectWebTransport(`https://127.0.0.1:${server.port}/echo`, {
    serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(cert.sha256Hex, 'hex') }],
  });
});

after(async () => {
  bystander.close();
  await server.close();
});

describe('bad input never harms other sessions', () => {
  test('random UDP garbage is dropped', async () => {
    const socket = createSocket('udp4');
    const before = server.stats().packetsDropped;
    for (let i = 0; i < 200; i++) {
      const size = 1 + Math.floor(Math.random() * 1400);
      socket.send(randomBytes(size), server.port, '127.0.0.1');
    }
    // Long-header Initial-looking packets with garbage inside.
    for (let i = 0; i < 50; i++) {
      const packet = randomBytes(1250);
      packet[0] = 0xc0;
      packet.writeUInt32BE(1, 1);
      packet[5] = 8;
      socket.send(packet, server.port, '127.0.0.1');
    }
    await until('the server to drop the bad packets', () => server.stats().packetsDropped > before);
    socket.close();
    await assertBystanderWorks();
  });

  test('a truncated frame at the end of the control stream closes only that connection', async () => {
    const client = await RawH3Client.connect();
    await client.openControl(new Uint8Array([0x07, 0x10, 0x01]), true); // GOAWAY cut short + FIN
    assert.equal(await client.closedWith(), H3ErrorCode.CLOSED_CRITICAL_STREAM);
    await assertBystanderWorks();
  });

  test('an oversized frame is refused with H3_EXCESSIVE_LOAD', async () => {
    const client = await RawH3Client.connect();
    await client.openControl(new Uint8Array([0x21, 0x80, 0x10, 0x00, 0x00])); // 1 MiB frame
    assert.equal(await client.closedWith(), H3ErrorCode.EXCESSIVE_LOAD);
    await assertBystanderWorks();
  });

  test('a control stream not starting with SETTINGS is H3_MISSING_SETTINGS', async () => {
    const client = await RawH3Client.connect();
    await client.connection.openStream(
      false,
      new Uint8Array([StreamType.CONTROL, 0x07, 0x01, 0x00]),
    );
    assert.equal(await client.closedWith(), H3ErrorCode.MISSING_SETTINGS);
    await assertBystanderWorks();
  });

  test('unknown frame and stream types are ignored; the connection still serves', async () => {
    const client = await RawH3Client.connect();
    await client.openControl(encodeFrame(0x21, new Uint8Array([1, 2, 3]))); // reserved frame type
    await client.connection.openStream(false, new Uint8Array([0x40, 0x21, 9, 9, 9])); // reserved stream type
    const status = await client.request(connect(webTransportConnect('/echo')));
    assert.equal(status, '200');
    assert.equal(client.connection.isClosed, false);
    client.connection.close(0x100, '');
  });

  test('a CONNECT without :protocol gets 400, a wrong path 404, a GET 405', async () => {
    const client = await RawH3Client.connect();
    await client.openControl();
    const plain = webTransportConnect('/echo').filter(([name]) => name !== ':protocol');
    assert.equal(await client.request(connect(plain)), '400');
    assert.equal(await client.request(connect(webTransportConnect('/nowhere'))), '404');
    const get: Array<[string, string]> = [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':authority', 'x'],
      [':path', '/'],
    ];
    assert.equal(await client.request(connect(get), true), '405');
    assert.equal(client.connection.isClosed, false);
    client.connection.close(0x100, '');
    await assertBystanderWorks();
  });

  test('DATA before HEADERS is H3_FRAME_UNEXPECTED; a dynamic-table reference fails QPACK', async () => {
    const first = await RawH3Client.connect();
    await first.openControl();
    void first.request(encodeFrame(FrameType.DATA, new Uint8Array([1, 2])));
    assert.equal(await first.closedWith(), H3ErrorCode.FRAME_UNEXPECTED);

    const second = await RawH3Client.connect();
    await second.openControl();
    void second.request(encodeFrame(FrameType.HEADERS, new Uint8Array([0x05, 0x00, 0x80])));
    assert.equal(await second.closedWith(), H3ErrorCode.QPACK_DECOMPRESSION_FAILED);
    await assertBystanderWorks();
  });

  test('fuzz: random bytes on request and uni streams never take the server down', async () => {
    const client = await RawH3Client.connect();
    await client.openControl();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.boolean(),
        async (bytes, uni) => {
          if (client.connection.isClosed) return;
          await client.connection.openStream(!uni, bytes).catch(() => undefined);
        },
      ),
      { numRuns: 100 },
    );
    await assertBystanderWorks();
    const fresh = await connectWebTransport(`https://127.0.0.1:${server.port}/echo`, {
      serverCertificateHashes: [
        { algorithm: 'sha-256', value: Buffer.from(cert.sha256Hex, 'hex') },
      ],
    });
    fresh.close();
    client.connection.close(0x100, '');
  });
});
