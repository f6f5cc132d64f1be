import { Closable } from './closable.js';
import { ModelError } from './model-error.js';
import type { ExtensionHeader, MoqObject } from './moq-object.js';
import { ChangeSignal } from './signal.js';

/**
 * One group: objects in increasing id order, written once by its producer and read by any
 * number of consumers, each at its own pace. Closing with an error means the group is not
 * whole, and every reader sees that error rather than a short group passed off as complete.
 */
export class GroupProducer extends Closable {
  readonly groupId: number;
  readonly #objects: MoqObject[] = [];
  readonly #changed = new ChangeSignal();
  readonly #onGrow: ((sizeBytes: number) => void) | undefined;
  #sizeBytes = 0;

  /** `onGrow` tells the owning track of every write, so its byte-bounded cache stays bounded. */
  constructor(groupId: number, onGrow?: (sizeBytes: number) => void) {
    super();
    this.groupId = groupId;
    this.#onGrow = onGrow;
  }

  get sizeBytes(): number {
    return this.#sizeBytes;
  }

  get objectCount(): number {
    return this.#objects.length;
  }

  /** The id the next object gets when none is given. */
  get nextObjectId(): number {
    const last = this.#objects.at(-1);
    return last ? last.objectId + 1 : 0;
  }

  /** Appends an object; ids only grow (gaps are allowed, as the draft allows). */
  write(
    payload: Uint8Array,
    objectId = this.nextObjectId,
    extensions?: readonly ExtensionHeader[],
  ): void {
    if (this.isClosed) throw new ModelError('CLOSED', `group ${this.groupId} is closed`);
    const last = this.#objects.at(-1);
    if (last && objectId <= last.objectId) {
      throw new ModelError(
        'OBJECT_ORDER',
        `object ${objectId} after ${last.objectId} in group ${this.groupId}`,
      );
    }
    this.#objects.push(
      extensions && extensions.length > 0
        ? { objectId, payload, extensions }
        : { objectId, payload },
    );
    this.#sizeBytes += payload.length;
    this.#changed.notify();
    this.#onGrow?.(payload.length);
  }

  /** Ends the group: cleanly (it is whole) or with the error that cut it short. */
  close(error?: Error): void {
    if (this.finish(error)) this.#changed.notify();
  }

  consume(): GroupConsumer {
    return new GroupConsumer(this, this.#objects, this.#changed);
  }
}

/** A reader of one group, from its first object. */
export class GroupConsumer {
  readonly groupId: number;
  #group: GroupProducer;
  #objects: readonly MoqObject[];
  #changed: ChangeSignal;
  #next = 0;

  constructor(group: GroupProducer, objects: readonly MoqObject[], changed: ChangeSignal) {
    this.groupId = group.groupId;
    this.#group = group;
    this.#objects = objects;
    this.#changed = changed;
  }

  /**
   * The next object, or undefined once the group ended whole. Rejects with the group's error
   * if it was cut short, after handing out every object that did arrive.
   */
  async readObject(signal?: AbortSignal): Promise<MoqObject | undefined> {
    for (;;) {
      const object = this.#objects[this.#next];
      if (object) {
        this.#next++;
        return object;
      }
      if (this.#group.isClosed) {
        if (this.#group.error) throw this.#group.error;
        return undefined;
      }
      await this.#changed.changed(signal);
    }
  }

  /** Objects available now without waiting (for writers that batch). */
  readAvailable(): MoqObject[] {
    const out = this.#objects.slice(this.#next);
    this.#next = this.#objects.length;
    return out;
  }

  get isDone(): boolean {
    return this.#group.isClosed && this.#next >= this.#objects.length;
  }

  get error(): Error | undefined {
    return this.#group.error;
  }
}
