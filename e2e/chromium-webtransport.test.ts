import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { generateCertificate, type CertificateMaterial } from '../src/transport/cert/index.js';
import type { AcceptedSession } from '../src/transport/session.js';
import { serveEcho } from '../src/transport/testing/index.js';
import { TransportError } from '../src/transport/transport-error.js';
import { WebTransportServer } from '../src/transport/webtransport/index.js';
import { chromiumAvailable, launchChromium, openPage, servePage } from './chromium.js';

interface EchoResult {
  readyMs: number;
  protocol: string | undefined;
  bidiEcho: string;
  uniEcho: string;
  serverBidi: string;
  datagramEcho: string;
  maxDatagramSize: number;
}

interface ResetResult {
  ack: number[];
  resetCode: number | null;
  closed: WebTransportCloseInfo;
}

const skip = chromiumAvailable() ? false : 'Chromium is not installed at /usr/bin/chromium';

async function nextSession(sessions: AcceptedSession[], path: string): Promise<AcceptedSession> {
  for (;;) {
    const found = sessions.find((s) => s.request.url.pathname === path);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Chromium native WebTransport against our server', { skip }, () => {
  let cert: CertificateMaterial;
  let server: WebTransportServer;
  let browser: Browser;
  let page: { url: string; close: () => Promise<void> };
  const sessions: AcceptedSession[] = [];

  before(async () => {
    cert = await generateCertificate();
    server = await WebTransportServer.listen({ port: 0, tls: () => cert, protocols: ['echo-1'] });
    void (async () => {
      for (let s = await server.accept(); s; s = await server.accept()) {
        sessions.push(s);
        if (s.request.url.pathname !== '/echo') continue;
        serveEcho(s.session);
        const stream = await s.session.createBidirectionalStream();
        const writer = stream.writable.getWriter();
        await writer.write(new TextEncoder().encode('from server'));
        await writer.close();
      }
    })();
    browser = await launchChromium();
    page = await servePage();
  });

  after(async () => {
    await browser?.close();
    await page?.close();
    await server?.close();
  });

  test('session ready; bidi, uni, server bidi and datagram echo; protocol negotiated', async () => {
    const tab = await openPage(browser, page.url, 'webtransport-page');
    const url = `https://127.0.0.1:${server.port}/echo`;
    const result = await tab.evaluate(
      ([u, h]) =>
        (window as unknown as { runEcho: (u: string, h: string) => Promise<EchoResult> }).runEcho(
          u,
          h,
        ),
      [url, cert.sha256Hex] as const,
    );
    assert.equal(result.bidiEcho, 'hello bidi');
    assert.equal(result.uniEcho, 'hello uni');
    assert.equal(result.serverBidi, 'from server');
    assert.equal(result.datagramEcho, 'hello datagram');
    assert.ok(result.maxDatagramSize > 1000, `maxDatagramSize ${result.maxDatagramSize}`);
    const serverSide = await nextSession(sessions, '/echo');
    assert.equal(serverSide.request.origin, page.url.replace(/\/$/, ''));
    assert.deepEqual(serverSide.request.offeredProtocols, ['moqt-99', 'echo-1']);
    assert.equal(serverSide.session.protocol, 'echo-1');
    assert.equal(result.protocol, 'echo-1');
    assert.deepEqual(await serverSide.session.closed, { closeCode: 0, reason: 'done' });
    console.log(
      `chromium: ready in ${result.readyMs.toFixed(1)} ms, maxDatagramSize ${result.maxDatagramSize}`,
    );
    await tab.close();
  });

  test('stream resets and session close codes cross between Chromium and our server', async () => {
    const tab = await openPage(browser, page.url, 'webtransport-page');
    const url = `https://127.0.0.1:${server.port}/resets`;
    const pageDone = tab.evaluate(
      ([u, h]) =>
        (
          window as unknown as { runResets: (u: string, h: string) => Promise<ResetResult> }
        ).runResets(u, h),
      [url, cert.sha256Hex] as const,
    );
    const accepted = await nextSession(sessions, '/resets');
    const { value: stream } = await accepted.session.incomingBidirectionalStreams
      .getReader()
      .read();
    assert.ok(stream);
    const reader = stream.readable.getReader();
    const writer = stream.writable.getWriter();
    assert.deepEqual([...((await reader.read()).value ?? [])], [1]);
    await writer.write(new Uint8Array([2]));
    await assert.rejects(
      reader.read(),
      (e: unknown) => e instanceof TransportError && e.streamErrorCode === 7,
    );
    await writer.abort({ streamErrorCode: 42 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    accepted.session.close({ closeCode: 1234, reason: 'bye from server' });
    const result = await pageDone;
    assert.deepEqual(result.ack, [2]);
    assert.equal(result.resetCode, 42);
    assert.deepEqual(result.closed, { closeCode: 1234, reason: 'bye from server' });
    await tab.close();
  });
});
