import { createRequire } from 'node:module';

/** The native half of batched sends (native/udp-batch): sendmmsg(2) and UDP GSO on Linux. */
export interface UdpBatchAddon {
  /** Sends packets [0, count) of the arena; returns how many left (a short count: see lastErrno). */
  send(
    fd: number,
    arena: Uint8Array,
    slotBytes: number,
    lengths: Uint32Array,
    addrs: Uint8Array,
    addrLens: Uint32Array,
    count: number,
    gso: number,
  ): number;
  lastErrno(): number;
  readonly maxPackets: number;
}

/** Why batching is off, or 'native' when it is on. */
export type UdpBatchMode = 'native' | 'disabled' | 'unavailable';

/** `MOQ_UDP_BATCH=0` forces the JavaScript send path; `MOQ_UDP_GSO=0` keeps sendmmsg, no GSO. */
export const UDP_BATCH_ENV = 'MOQ_UDP_BATCH';
export const UDP_GSO_ENV = 'MOQ_UDP_GSO';
/** Where a packager put the addon, if not in native/udp-batch/build/Release. */
export const UDP_BATCH_ADDON_ENV = 'MOQ_UDP_BATCH_ADDON';

// src/transport/quic and lib/transport/quic sit at the same depth below the package root.
const ADDON_PATH = '../../../native/udp-batch/build/Release/udp_batch.node';

let loaded: { addon: UdpBatchAddon | undefined; mode: UdpBatchMode } | undefined;

function isAddon(value: unknown): value is UdpBatchAddon {
  const candidate = value as Partial<UdpBatchAddon> | null;
  return typeof candidate?.send === 'function' && typeof candidate.lastErrno === 'function';
}

/** Loads the addon once; a missing, unbuildable or foreign-platform addon means the JS path. */
export function udpBatchAddon(): { addon: UdpBatchAddon | undefined; mode: UdpBatchMode } {
  if (loaded) return loaded;
  if (process.env[UDP_BATCH_ENV] === '0') return (loaded = { addon: undefined, mode: 'disabled' });
  try {
    const value: unknown = createRequire(import.meta.url)(
      process.env[UDP_BATCH_ADDON_ENV] ?? ADDON_PATH,
    );
    loaded = isAddon(value)
      ? { addon: value, mode: 'native' }
      : { addon: undefined, mode: 'unavailable' };
  } catch {
    loaded = { addon: undefined, mode: 'unavailable' };
  }
  return loaded;
}

/** Tests only: forget the loaded addon so the environment is read again. */
export function resetUdpBatchAddon(): void {
  loaded = undefined;
}
