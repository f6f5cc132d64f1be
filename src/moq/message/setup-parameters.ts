import { type Reader, CodingError, decodeUtf8 } from '../../coding/index.js';
import { MoqError, SessionCloseCode } from '../error/index.js';
import { type AuthToken, decodeAuthToken, encodeAuthToken } from './auth-token.js';
import { KeyValueList } from './key-value-list.js';
import type { KeyEncoding, KeyValuePair } from './key-value-pair.js';

/**
 * Setup parameter types (§Setup Parameters). The draft-14 text gives MOQT IMPLEMENTATION the
 * type 0x05, which collides with AUTHORITY; implementations (moq-lite, later drafts) use 0x07.
 */
export const SetupParameterType = {
  Path: 0x01,
  MaxRequestId: 0x02,
  AuthorizationToken: 0x03,
  MaxAuthTokenCacheSize: 0x04,
  Authority: 0x05,
  MoqtImplementation: 0x07,
} as const;

const SINGLETONS: ReadonlySet<number> = new Set([
  SetupParameterType.Path,
  SetupParameterType.MaxRequestId,
  SetupParameterType.MaxAuthTokenCacheSize,
  SetupParameterType.Authority,
  SetupParameterType.MoqtImplementation,
]);

export interface SetupParametersInit {
  readonly path?: string;
  readonly authority?: string;
  readonly maxRequestId?: number;
  readonly maxAuthTokenCacheSizeBytes?: number;
  readonly authorizationTokens?: readonly AuthToken[];
  readonly implementation?: string;
  readonly others?: readonly KeyValuePair[];
}

const utf8 = new TextEncoder();

/** Parameters of CLIENT_SETUP / SERVER_SETUP: a namespace separate from message parameters. */
export class SetupParameters extends KeyValueList {
  constructor(entries: readonly KeyValuePair[] = []) {
    super(entries, SINGLETONS);
  }

  static from(init: SetupParametersInit): SetupParameters {
    const entries: KeyValuePair[] = [];
    const text = (type: number, value: string | undefined): void => {
      if (value !== undefined) entries.push({ type, value: utf8.encode(value) });
    };
    const int = (type: number, value: number | undefined): void => {
      if (value !== undefined) entries.push({ type, value });
    };
    text(SetupParameterType.Path, init.path);
    int(SetupParameterType.MaxRequestId, init.maxRequestId);
    for (const token of init.authorizationTokens ?? []) {
      entries.push({ type: SetupParameterType.AuthorizationToken, value: encodeAuthToken(token) });
    }
    int(SetupParameterType.MaxAuthTokenCacheSize, init.maxAuthTokenCacheSizeBytes);
    text(SetupParameterType.Authority, init.authority);
    text(SetupParameterType.MoqtImplementation, init.implementation);
    return new SetupParameters([...entries, ...(init.others ?? [])]);
  }

  /** Reads and validates: PATH/AUTHORITY must be UTF-8, tokens must parse. */
  static decode(r: Reader, keys: KeyEncoding = 'absolute'): SetupParameters {
    const params = new SetupParameters(KeyValueList.readEntries(r, keys));
    params.#text(SetupParameterType.Path, SessionCloseCode.MALFORMED_PATH);
    params.#text(SetupParameterType.Authority, SessionCloseCode.MALFORMED_AUTHORITY);
    for (const bytes of params.allBytesOf(SetupParameterType.AuthorizationToken)) {
      decodeAuthToken(bytes);
    }
    return params;
  }

  /** PATH (§PATH); text that is not UTF-8 is MALFORMED_PATH. */
  get path(): string | undefined {
    return this.#text(SetupParameterType.Path, SessionCloseCode.MALFORMED_PATH);
  }

  /** AUTHORITY (§AUTHORITY); text that is not UTF-8 is MALFORMED_AUTHORITY. */
  get authority(): string | undefined {
    return this.#text(SetupParameterType.Authority, SessionCloseCode.MALFORMED_AUTHORITY);
  }

  /** MAX_REQUEST_ID; absent means 0 (the peer may not send requests). */
  get maxRequestId(): number | undefined {
    return this.varintOf(SetupParameterType.MaxRequestId);
  }

  get maxAuthTokenCacheSizeBytes(): number | undefined {
    return this.varintOf(SetupParameterType.MaxAuthTokenCacheSize);
  }

  get authorizationTokens(): AuthToken[] {
    return this.allBytesOf(SetupParameterType.AuthorizationToken).map(decodeAuthToken);
  }

  /** MOQT IMPLEMENTATION: only SHOULD be UTF-8, so decoded leniently. */
  get implementation(): string | undefined {
    const bytes = this.bytesOf(SetupParameterType.MoqtImplementation);
    return bytes && new TextDecoder().decode(bytes);
  }

  #text(type: number, code: number): string | undefined {
    const bytes = this.bytesOf(type);
    if (!bytes) return undefined;
    try {
      return decodeUtf8(bytes);
    } catch (e) {
      if (e instanceof CodingError) throw new MoqError(code, `setup parameter ${type} not UTF-8`);
      throw e;
    }
  }
}
