import {
  CHECKLIST_STEPS,
  type ChecklistItem,
  type ChecklistStep,
  type StudioErrorInfo,
  type StudioState,
  type StudioStatus,
} from './studio-api.js';
import { StudioError } from './studio-error.js';

/** Where each state may go next; anything else is a bug in the caller or a stale click. */
const NEXT: Readonly<Record<StudioState, readonly StudioState[]>> = {
  idle: ['checking'],
  checking: ['starting', 'stopping', 'idle'],
  starting: ['live', 'stopping', 'idle'],
  live: ['reconnecting', 'stopping'],
  reconnecting: ['live', 'stopping'],
  stopping: ['idle'],
};

export function canTransition(from: StudioState, to: StudioState): boolean {
  return NEXT[from].includes(to);
}

/**
 * The go-live state machine: the state with the reason it was entered, the checklist, and the
 * extras of the status (share link, reconnect countdown, last error). Every change is told to
 * `onChange` with a fresh snapshot.
 */
export class GoLiveMachine {
  #status: StudioStatus;

  constructor(
    private readonly onChange: (status: StudioStatus) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.#status = { state: 'idle', reason: 'not live yet', since: now(), checklist: fresh() };
  }

  get state(): StudioState {
    return this.#status.state;
  }

  /** A copy: callers (and the wire) never share the machine's own objects. */
  get status(): StudioStatus {
    return structuredClone(this.#status);
  }

  /** Moves to `to`; throws ILLEGAL_TRANSITION (and changes nothing) when `to` is not allowed. */
  transition(to: StudioState, reason: string): void {
    const from = this.#status.state;
    if (!canTransition(from, to)) {
      throw new StudioError(
        'ILLEGAL_TRANSITION',
        `cannot go from ${from} to ${to} (${reason})`,
        hintFor(from),
      );
    }
    const next: StudioStatus = { ...this.#status, state: to, reason, since: this.now() };
    if (to === 'checking') {
      next.checklist = fresh();
      delete next.error;
      delete next.liveSince;
      delete next.shareUrl;
      delete next.watch;
    }
    if (to === 'live') next.liveSince ??= next.since;
    if (to !== 'reconnecting') delete next.reconnect;
    if (to === 'idle') {
      delete next.shareUrl;
      delete next.liveSince;
      // After a broadcast ends nothing on the list is true any more; after a failed attempt the
      // list stays, so the streamer sees which step failed.
      if (from === 'stopping') next.checklist = fresh();
    }
    this.#set(next);
  }

  /** Throws ILLEGAL_TRANSITION unless the machine is in one of `states`. */
  expect(states: readonly StudioState[], action: string): void {
    const state = this.#status.state;
    if (states.includes(state)) return;
    throw new StudioError('ILLEGAL_TRANSITION', `cannot ${action} while ${state}`, hintFor(state));
  }

  step(step: ChecklistStep, status: ChecklistItem['status'], detail?: string): void {
    const checklist = this.#status.checklist.map((item) =>
      item.step === step ? { step, status, ...(detail !== undefined ? { detail } : {}) } : item,
    );
    this.#set({ ...this.#status, checklist });
  }

  /** Marks the first step still pending as failed (where an attempt broke off). */
  failPending(detail: string): void {
    const pending = this.#status.checklist.find((item) => item.status === 'pending');
    if (pending) this.step(pending.step, 'failed', detail);
  }

  fail(error: StudioErrorInfo): void {
    this.#set({ ...this.#status, error });
  }

  share(shareUrl: string, watch: StudioStatus['watch']): void {
    this.#set({ ...this.#status, shareUrl, ...(watch ? { watch } : {}) });
  }

  reconnecting(attempt: number, retryAtMs: number): void {
    this.#set({ ...this.#status, reconnect: { attempt, retryAtMs } });
  }

  #set(next: StudioStatus): void {
    this.#status = next;
    this.onChange(this.status);
  }
}

function fresh(): ChecklistItem[] {
  return CHECKLIST_STEPS.map((step) => ({ step, status: 'pending' }));
}

function hintFor(state: StudioState): string {
  if (state === 'idle') return 'press Go live first';
  if (state === 'stopping') return 'wait until the broadcast has stopped';
  return 'press Stop first, or wait for the current step to finish';
}
