import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import { MessageType } from './message-type.js';
import { SetupParameters } from './setup-parameters.js';
import { isDraft16 } from './version.js';

export interface ClientSetupFields {
  /** Offered versions, most preferred first (32-bit values, §Versions). */
  readonly supportedVersions: readonly number[];
  readonly parameters?: SetupParameters;
}

/** §CLIENT_SETUP: the client's first message on the control stream. */
export class ClientSetup implements ClientSetupFields {
  readonly kind = 'client_setup' as const;
  static readonly type = MessageType.ClientSetup;
  readonly supportedVersions: readonly number[];
  readonly parameters: SetupParameters;

  constructor(fields: ClientSetupFields) {
    this.supportedVersions = fields.supportedVersions;
    this.parameters = fields.parameters ?? new SetupParameters();
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §CLIENT_SETUP: the protocol (ALPN) carries the version; only parameters remain.
    if (isDraft16(version)) return this.parameters.encode(w, 'delta');
    w.varint(this.supportedVersions.length);
    for (const v of this.supportedVersions) w.varint(checkVersion(v));
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): ClientSetup {
    if (isDraft16(version)) {
      return new ClientSetup({
        supportedVersions: [version],
        parameters: SetupParameters.decode(r, 'delta'),
      });
    }
    const count = r.varint();
    const supportedVersions: number[] = [];
    for (let i = 0; i < count; i++) supportedVersions.push(checkVersion(r.varint()));
    return new ClientSetup({ supportedVersions, parameters: SetupParameters.decode(r) });
  }
}

/** §Versions: a version is a 32-bit unsigned integer (carried as a varint). */
export function checkVersion(version: number): number {
  if (version <= 0xffffffff) return version;
  throw MoqError.protocolViolation(`version ${version} exceeds 32 bits`);
}
