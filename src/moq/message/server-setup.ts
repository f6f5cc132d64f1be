import type { Reader, Writer } from '../../coding/index.js';
import { checkVersion } from './client-setup.js';
import { MessageType } from './message-type.js';
import { SetupParameters } from './setup-parameters.js';
import { isDraft16 } from './version.js';

export interface ServerSetupFields {
  /** One of the versions the client offered. */
  readonly selectedVersion: number;
  readonly parameters?: SetupParameters;
}

/** §SERVER_SETUP: the server's answer to CLIENT_SETUP. */
export class ServerSetup implements ServerSetupFields {
  readonly kind = 'server_setup' as const;
  static readonly type = MessageType.ServerSetup;
  readonly selectedVersion: number;
  readonly parameters: SetupParameters;

  constructor(fields: ServerSetupFields) {
    this.selectedVersion = fields.selectedVersion;
    this.parameters = fields.parameters ?? new SetupParameters();
  }

  encodePayload(w: Writer, version: number): void {
    // Draft-16 §SERVER_SETUP: no Selected Version; the protocol already chose it.
    if (isDraft16(version)) return this.parameters.encode(w, 'delta');
    w.varint(checkVersion(this.selectedVersion));
    this.parameters.encode(w);
  }

  static decodePayload(r: Reader, version: number): ServerSetup {
    if (isDraft16(version)) {
      return new ServerSetup({
        selectedVersion: version,
        parameters: SetupParameters.decode(r, 'delta'),
      });
    }
    const selectedVersion = checkVersion(r.varint());
    return new ServerSetup({ selectedVersion, parameters: SetupParameters.decode(r) });
  }
}
