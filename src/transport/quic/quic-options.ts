import type { PacerOptions } from './pacer.js';
import { QuicError } from './quic-error.js';
import { quiche, type Config } from './quiche.js';

const CONGESTION_CONTROLS = ['cubic', 'bbr', 'reno'] as const;
export type CongestionControl = (typeof CONGESTION_CONTROLS)[number];

function isCongestionControl(name: string): name is CongestionControl {
  return (CONGESTION_CONTROLS as readonly string[]).includes(name);
}

/** `MOQ_QUIC_CC=bbr|cubic|reno` picks the congestion controller where the code does not. */
export const QUIC_CC_ENV = 'MOQ_QUIC_CC';

/** Transport settings shared by our QUIC clients and servers. */
export interface QuicOptions {
  /** ALPN identifiers, in preference order. */
  alpn: string[];
  congestionControl?: CongestionControl;
  maxIdleTimeoutMs?: number;
  initialMaxDataBytes?: number;
  initialMaxStreamDataBytes?: number;
  initialMaxStreamsBidi?: number;
  initialMaxStreamsUni?: number;
  /** Advertise max_datagram_frame_size (RFC 9221); without it no datagrams flow. */
  datagrams?: boolean;
  /** Pace packets (Pacer); default on, off here or with MOQ_QUIC_PACING=0. */
  pacing?: boolean;
}

/** `MOQ_QUIC_PACING=0` sends each flush's packets at once, as quiche hands them out. */
export const QUIC_PACING_ENV = 'MOQ_QUIC_PACING';
/**
 * Loss-based controllers keep about one bandwidth-delay product in flight: 1.25 × cwnd / RTT.
 * quiche's BBR keeps about twice its estimate in flight, so cwnd / RTT is already ≈ 2 × its
 * bottleneck estimate. Never below 1 (pacer.ts: a pacer slower than the window spirals down).
 */
const PACING_GAIN: Record<CongestionControl, number> = { bbr: 1, cubic: 1.25, reno: 1.25 };

/** How a connection with these options paces its packets, or false when it does not. */
export function pacingFor(options: Partial<QuicOptions> = {}): PacerOptions | false {
  if (options.pacing === false || process.env[QUIC_PACING_ENV] === '0') return false;
  return { gain: PACING_GAIN[options.congestionControl ?? defaultCongestionControl()] };
}

/**
 * CUBIC, paced (pacingFor), unless MOQ_QUIC_CC says otherwise. Paced CUBIC delivered keyframes
 * through a shallow queue in about half the time of unpaced, and carried 200 subscribers × 2 Mbit/s
 * on loopback without loss where BBR lost a third to a half (bench/RESULTS.md, pacing sections).
 */
export function defaultCongestionControl(): CongestionControl {
  const named = process.env[QUIC_CC_ENV];
  if (named === undefined || named === '') return 'cubic';
  if (isCongestionControl(named)) return named;
  throw new QuicError(
    'CONFIG',
    `${QUIC_CC_ENV}=${named}: not a congestion controller (${CONGESTION_CONTROLS.join(', ')})`,
  );
}

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
}

const DEFAULTS = {
  maxIdleTimeoutMs: 10_000,
  initialMaxDataBytes: 32 * 1024 * 1024,
  initialMaxStreamDataBytes: 4 * 1024 * 1024,
  initialMaxStreamsBidi: 1000,
  initialMaxStreamsUni: 1000,
  datagrams: true,
};

const PEM_BLOCK = /-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----/g;

/** Builds a quiche Config; certificates come from memory so rotation needs no files. */
export function createQuicheConfig(
  options: QuicOptions,
  tls: TlsMaterial | undefined,
  verifyPeer: boolean,
  caFile?: string,
): Config {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULTS, ...given } as typeof DEFAULTS & QuicOptions;
  const congestionControl = o.congestionControl ?? defaultCongestionControl();
  const encoder = new TextEncoder();
  let config: Config;
  try {
    const certs = tls ? (tls.certPem.match(PEM_BLOCK) ?? []).map((p) => encoder.encode(p)) : null;
    const keys = tls ? [encoder.encode(tls.keyPem)] : null;
    config = quiche.Config.withBoringSslCtx(verifyPeer, false, null, keys, certs, null);
    if (caFile) config.loadVerifyLocationsFromFile(caFile);
    config.setCcAlgorithmName(congestionControl);
  } catch (error) {
    throw new QuicError('CONFIG', `invalid QUIC configuration: ${String(error)}`);
  }
  config.setApplicationProtos(o.alpn);
  config.setMaxIdleTimeout(o.maxIdleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(1500);
  config.setMaxSendUdpPayloadSize(1350);
  config.setInitialMaxData(o.initialMaxDataBytes);
  config.setInitialMaxStreamDataBidiLocal(o.initialMaxStreamDataBytes);
  config.setInitialMaxStreamDataBidiRemote(o.initialMaxStreamDataBytes);
  config.setInitialMaxStreamDataUni(o.initialMaxStreamDataBytes);
  config.setInitialMaxStreamsBidi(o.initialMaxStreamsBidi);
  config.setInitialMaxStreamsUni(o.initialMaxStreamsUni);
  config.setDisableActiveMigration(true);
  config.enablePacing(true);
  config.enableDgram(o.datagrams, 1024, 1024);
  return config;
}
