/**
 * `WebTransportDatagramDuplexStream` over QUIC DATAGRAM frames (RFC 9297 §2.1). Datagrams are
 * unreliable: incoming ones are dropped while the reader's queue is full, outgoing ones that do
 * not fit a packet are discarded, as the W3C API specifies.
 */
export class Datagrams implements WebTransportDatagramDuplexStream {
  incomingHighWaterMark = 256;
  incomingMaxAge: number | null = null;
  outgoingHighWaterMark = 256;
  outgoingMaxAge: number | null = null;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;

  constructor(
    private readonly send: (payload: Uint8Array) => void,
    private readonly maxPayloadBytes: () => number,
  ) {
    this.readable = new ReadableStream<Uint8Array>(
      { start: (controller) => void (this.#controller = controller) },
      { highWaterMark: this.incomingHighWaterMark },
    );
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        if (chunk.length <= this.maxDatagramSize) this.send(chunk);
      },
    });
  }

  get maxDatagramSize(): number {
    return this.maxPayloadBytes();
  }

  push(payload: Uint8Array): void {
    if (this.#closed || (this.#controller.desiredSize ?? 0) <= 0) return;
    this.#controller.enqueue(payload);
  }

  close(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error) this.#controller.error(error);
    else this.#controller.close();
  }
}
