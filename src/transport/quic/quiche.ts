/**
 * The quiche binding shipped prebuilt in `@matrixai/quic`. We drive quiche's connection directly:
 * the package's high-level classes have no datagram API and always force a stateless Retry.
 */
import {
  quiche,
  Shutdown,
  Type as PacketType,
  type Config,
  type Connection,
  type PathStats,
  type Stats,
} from '@matrixai/quic/native/index.js';

/** A UDP address as quiche takes it. */
export interface HostPort {
  host: string;
  port: number;
}

export { quiche, Shutdown, PacketType };
export type { Config, Connection, PathStats, Stats };

/** quiche reports stream and connection failures as thrown Errors whose message is the variant. */
export interface QuicheFailure {
  kind: string;
  code: number | undefined;
}

const FAILURE = /^([A-Za-z]+)(?:\((\d+)\))?/;

export function parseQuicheError(error: unknown): QuicheFailure {
  const message = error instanceof Error ? error.message : String(error);
  const match = FAILURE.exec(message);
  if (!match) return { kind: message, code: undefined };
  return { kind: match[1] as string, code: match[2] === undefined ? undefined : Number(match[2]) };
}
