import { isShared } from '../../coding/index.js';
interface Entry {
  data: Uint8Array;
  fin: boolean;
  /** Set while the writer still waits: beyond the buffer budget, and for FIN. */
  settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
}

interface StreamQueue {
  entries: Entry[];
  bytes: number;
}

/** Hands bytes to quiche: returns how many it took, or null when it took nothing (Done). */
export type StreamWriter = (data: Uint8Array, fin: boolean) => number | null;

/** quiche's urgency for a stream given none (its DEFAULT_URGENCY): after every urgency set. */
const QUICHE_DEFAULT_URGENCY = 127;

/**
 * Per-stream bytes waiting to enter quiche. Writes resolve at once while a stream buffers less
 * than the budget (so a writer's `write(); close()` lands in one tick and the FIN rides on the
 * last bytes); beyond it, they resolve as quiche takes them, which is the writer's back-pressure.
 */
export class SendQueue {
  #queues = new Map<number, StreamQueue>();
  #errors = new Map<number, Error>();
  /** Urgencies set on streams (lower first), until their FIN is taken or they fail. */
  #urgencies = new Map<number, number>();

  constructor(private readonly budgetBytes: number) {}

  has(streamId: number): boolean {
    return this.#queues.has(streamId);
  }

  /** True when the next thing to send on the stream is a FIN with no bytes to carry it. */
  headIsBareFin(streamId: number): boolean {
    const head = this.#queues.get(streamId)?.entries[0];
    return head !== undefined && head.fin && head.data.length === 0;
  }

  /**
   * The stream's urgency, as quiche's: the order its bytes enter quiche in. quiche sends by
   * urgency only among bytes it holds, and takes about a congestion window's worth at a time,
   * so bytes queued here in write order would let a big group ahead of a control message
   * written just after it.
   */
  setUrgency(streamId: number, urgency: number): void {
    this.#urgencies.set(streamId, urgency);
  }

  /** Streams with bytes waiting, the most urgent first (equal ones in the order they queued). */
  streamIds(): number[] {
    const ids = [...this.#queues.keys()];
    if (ids.length > 1 && this.#urgencies.size > 0) {
      ids.sort((a, b) => this.#urgencyOf(a) - this.#urgencyOf(b));
    }
    return ids;
  }

  #urgencyOf(streamId: number): number {
    return this.#urgencies.get(streamId) ?? QUICHE_DEFAULT_URGENCY;
  }

  enqueue(streamId: number, data: Uint8Array, fin: boolean): Promise<void> {
    const failed = this.#errors.get(streamId);
    if (failed) {
      this.#errors.delete(streamId);
      return Promise.reject(failed);
    }
    let queue = this.#queues.get(streamId);
    if (!queue) {
      queue = { entries: [], bytes: 0 };
      this.#queues.set(streamId, queue);
    }
    const last = queue.entries.at(-1);
    if (fin && data.length === 0 && last && !last.fin) return this.#waitFor(last, true);
    queue.bytes += data.length;
    const resolvesNow = !fin && queue.bytes <= this.budgetBytes;
    // A write that resolves before quiche took the bytes must own them: W3C writers may reuse
    // their buffer as soon as write() resolves (as @moq/lite does with its varint scratch).
    // Bytes marked shared never change: kept by reference (a relay's fan-out, coding/).
    const owned = resolvesNow && !isShared(data) ? data.slice() : data;
    const entry: Entry = { data: owned, fin, settle: undefined };
    queue.entries.push(entry);
    if (resolvesNow) return Promise.resolve();
    return this.#waitFor(entry, fin);
  }

  /** Feeds a stream's queue to quiche until it stops taking bytes; throws what `write` throws. */
  drain(streamId: number, write: StreamWriter): void {
    const queue = this.#queues.get(streamId);
    while (queue && queue.entries.length > 0) {
      const head = queue.entries[0] as Entry;
      const taken = write(head.data, head.fin);
      // Done (null): no room now, not even for a bare FIN; retry on a later tick.
      if (taken === null) return;
      queue.bytes -= taken;
      if (taken < head.data.length) {
        head.data = head.data.subarray(taken);
        return;
      }
      queue.entries.shift();
      if (head.fin) this.#urgencies.delete(streamId);
      head.settle?.resolve();
    }
    this.#queues.delete(streamId);
  }

  /** Rejects the stream's waiting writers, and its next write. */
  fail(streamId: number, error: Error, rememberForNextWrite: boolean): void {
    const queue = this.#queues.get(streamId);
    this.#queues.delete(streamId);
    this.#urgencies.delete(streamId);
    if (rememberForNextWrite) this.#errors.set(streamId, error);
    for (const entry of queue?.entries ?? []) entry.settle?.reject(error);
  }

  failAll(error: Error): void {
    for (const streamId of [...this.#queues.keys()]) this.fail(streamId, error, false);
    this.#errors.clear();
    this.#urgencies.clear();
  }

  #waitFor(entry: Entry, fin: boolean): Promise<void> {
    entry.fin ||= fin;
    if (entry.settle) {
      const previous = entry.settle;
      return new Promise((resolve, reject) => {
        entry.settle = {
          resolve: () => (previous.resolve(), resolve()),
          reject: (error) => (previous.reject(error), reject(error)),
        };
      });
    }
    return new Promise((resolve, reject) => (entry.settle = { resolve, reject }));
  }
}
