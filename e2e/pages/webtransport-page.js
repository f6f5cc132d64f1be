// Page-side helpers for the Chromium WebTransport tests. Plain JavaScript: it runs as is in the
// page, so no build step touches it.
/* global window, WebTransport, WebTransportError, TextEncoder, TextDecoder, performance */

function hashFromHex(hex) {
  return new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
}

async function readText(readable) {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of readable) text += decoder.decode(chunk, { stream: true });
  return text;
}

async function sendText(writable, value) {
  const writer = writable.getWriter();
  await writer.write(new TextEncoder().encode(value));
  await writer.close();
}

window.openTransport = async (url, hashHex, protocols) => {
  const options = {
    serverCertificateHashes: [{ algorithm: 'sha-256', value: hashFromHex(hashHex) }],
  };
  if (protocols) options.protocols = protocols;
  const wt = new WebTransport(url, options);
  await wt.ready;
  return wt;
};

window.runEcho = async (url, hashHex) => {
  const started = performance.now();
  const wt = await window.openTransport(url, hashHex, ['moqt-99', 'echo-1']);
  const readyMs = performance.now() - started;
  const bidi = await wt.createBidirectionalStream();
  const [, bidiEcho] = await Promise.all([
    sendText(bidi.writable, 'hello bidi'),
    readText(bidi.readable),
  ]);
  const uniIn = wt.incomingUnidirectionalStreams.getReader();
  await sendText(await wt.createUnidirectionalStream(), 'hello uni');
  const uniEcho = await readText((await uniIn.read()).value);
  const bidiIn = wt.incomingBidirectionalStreams.getReader();
  const serverStream = (await bidiIn.read()).value;
  const serverBidi = await readText(serverStream.readable);
  await sendText(serverStream.writable, `page got: ${serverBidi}`);
  const dgWriter = wt.datagrams.writable.getWriter();
  const dgReader = wt.datagrams.readable.getReader();
  const dg = dgReader.read();
  for (let i = 0; i < 5; i++) await dgWriter.write(new TextEncoder().encode('hello datagram'));
  const datagramEcho = new TextDecoder().decode((await dg).value);
  const result = {
    readyMs,
    protocol: wt.protocol,
    bidiEcho,
    uniEcho,
    serverBidi,
    datagramEcho,
    maxDatagramSize: wt.datagrams.maxDatagramSize,
  };
  wt.close({ closeCode: 0, reason: 'done' });
  return result;
};

window.runResets = async (url, hashHex) => {
  const wt = await window.openTransport(url, hashHex);
  const stream = await wt.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  await writer.write(new Uint8Array([1]));
  const ack = await reader.read(); // the server saw our byte; now reset our side
  // Chromium takes the init dictionary as the constructor's first argument.
  await writer.abort(new WebTransportError({ streamErrorCode: 7 }));
  let resetCode = -1;
  try {
    await reader.read();
  } catch (e) {
    resetCode = e.streamErrorCode;
  }
  const closed = await wt.closed;
  return { ack: Array.from(ack.value ?? []), resetCode, closed };
};
