import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every common platform. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a live process has used so far; undefined off Linux or once gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Follows a child's CPU time while it runs. The last reading before it exits is kept, so the
 * figure can miss at most one interval's worth at the very end.
 */
export class CpuWatch {
  #last: number | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, intervalMs = 200) {
    this.#timer = setInterval(() => this.#read(pid), intervalMs);
    this.#read(pid);
  }

  stop(): number | undefined {
    clearInterval(this.#timer);
    return this.#last;
  }

  #read(pid: number): void {
    this.#last = cpuSecondsOf(pid) ?? this.#last;
  }
}
