import type { Reader } from '../../coding/index.js';
import { type AuthToken, decodeAuthToken, encodeAuthToken } from './auth-token.js';
import { KeyValueList } from './key-value-list.js';
import { SWITCHING_SET_PARAMETER } from './switching-set.js';
import type { KeyEncoding, KeyValuePair } from './key-value-pair.js';

/** Version-specific (non-setup) parameter types of draft-14 (§Version Specific Parameters). */
export const ParameterType = {
  DeliveryTimeout: 0x02,
  AuthorizationToken: 0x03,
  MaxCacheDuration: 0x04,
} as const;

// AUTHORIZATION TOKEN may repeat; the other two may not.
const SINGLETONS: ReadonlySet<number> = new Set([
  ParameterType.DeliveryTimeout,
  ParameterType.MaxCacheDuration,
]);

export interface ParametersInit {
  readonly deliveryTimeoutMs?: number;
  readonly maxCacheDurationMs?: number;
  readonly authorizationTokens?: readonly AuthToken[];
  /** Further pairs, e.g. unknown ones to forward unchanged. */
  readonly others?: readonly KeyValuePair[];
}

/** Message parameters of SUBSCRIBE, PUBLISH, FETCH and friends (§Parameters). */
export class Parameters extends KeyValueList {
  constructor(entries: readonly KeyValuePair[] = []) {
    super(entries, SINGLETONS);
  }

  static from(init: ParametersInit): Parameters {
    const entries: KeyValuePair[] = [];
    if (init.deliveryTimeoutMs !== undefined) {
      entries.push({ type: ParameterType.DeliveryTimeout, value: init.deliveryTimeoutMs });
    }
    if (init.maxCacheDurationMs !== undefined) {
      entries.push({ type: ParameterType.MaxCacheDuration, value: init.maxCacheDurationMs });
    }
    for (const token of init.authorizationTokens ?? []) {
      entries.push({ type: ParameterType.AuthorizationToken, value: encodeAuthToken(token) });
    }
    return new Parameters([...entries, ...(init.others ?? [])]);
  }

  /**
   * Reads a count-prefixed parameter list. `authorization` is set for messages that may carry
   * AUTHORIZATION TOKEN, whose Token structure is then checked at once (a malformed one is
   * KEY_VALUE_FORMATTING_ERROR); elsewhere the parameter is ignored, as §Parameters asks.
   */
  static decode(
    r: Reader,
    options: { authorization?: boolean; keys?: KeyEncoding } = {},
  ): Parameters {
    const params = new Parameters(KeyValueList.readEntries(r, options.keys));
    if (options.authorization) params.validateAuthorizationTokens();
    return params;
  }

  /** The raw SWITCHING_SET value, when the subscriber sent one (decode with decodeSwitchingSet). */
  get switchingSet(): Uint8Array | undefined {
    return this.bytesOf(SWITCHING_SET_PARAMETER);
  }

  get deliveryTimeoutMs(): number | undefined {
    return this.varintOf(ParameterType.DeliveryTimeout);
  }

  get maxCacheDurationMs(): number | undefined {
    return this.varintOf(ParameterType.MaxCacheDuration);
  }

  /** Throws KEY_VALUE_FORMATTING_ERROR unless every AUTHORIZATION TOKEN parses. */
  validateAuthorizationTokens(): void {
    for (const bytes of this.allBytesOf(ParameterType.AuthorizationToken)) decodeAuthToken(bytes);
  }

  /** Every AUTHORIZATION TOKEN, in order. Throws KEY_VALUE_FORMATTING_ERROR if one is malformed. */
  get authorizationTokens(): AuthToken[] {
    return this.allBytesOf(ParameterType.AuthorizationToken).map(decodeAuthToken);
  }
}
