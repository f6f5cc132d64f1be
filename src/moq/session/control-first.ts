/**
 * The W3C sendOrder of every stream that carries MoQ control messages rather than objects: the
 * draft-14/16 control stream, draft-18's setup and request streams, SUBSCRIBE_NAMESPACE
 * streams, and moq-lite's session, announce and subscribe streams. It is above any group's
 * (0..127, subscription-sender.ts), so a SERVER_SETUP or a SUBSCRIBE_OK never waits behind a
 * cached group on a congestion window still opening (a join), nor behind a keyframe fanned out
 * under load.
 */
export const CONTROL_SEND_ORDER = 256;

/**
 * `writable`, sent ahead of every data stream where the transport orders streams by the W3C
 * `sendOrder` (this project's WebTransport, a browser's). Elsewhere (QMux over a WebSocket,
 * one ordered byte stream) there is nothing to set, and the stream is returned as it is.
 */
export function controlFirst(writable: WritableStream): WritableStream<Uint8Array> {
  if ('sendOrder' in writable) {
    (writable as WritableStream & { sendOrder: number | null }).sendOrder = CONTROL_SEND_ORDER;
  }
  return writable as WritableStream<Uint8Array>;
}
