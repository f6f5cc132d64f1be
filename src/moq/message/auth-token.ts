import { CodingError, Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** Alias Type code points of the Token structure (§AUTHORIZATION TOKEN). */
export const AuthTokenAliasType = {
  Delete: 0x0,
  Register: 0x1,
  UseAlias: 0x2,
  UseValue: 0x3,
} as const;

/** The Token structure carried in an AUTHORIZATION TOKEN parameter. */
export type AuthToken =
  | { readonly aliasType: typeof AuthTokenAliasType.Delete; readonly alias: number }
  | {
      readonly aliasType: typeof AuthTokenAliasType.Register;
      readonly alias: number;
      readonly tokenType: number;
      readonly tokenValue: Uint8Array;
    }
  | { readonly aliasType: typeof AuthTokenAliasType.UseAlias; readonly alias: number }
  | {
      readonly aliasType: typeof AuthTokenAliasType.UseValue;
      readonly tokenType: number;
      readonly tokenValue: Uint8Array;
    };

export function encodeAuthToken(token: AuthToken): Uint8Array {
  const w = new Writer(16 + ('tokenValue' in token ? token.tokenValue.length : 0));
  w.varint(token.aliasType);
  switch (token.aliasType) {
    case AuthTokenAliasType.Delete:
    case AuthTokenAliasType.UseAlias:
      w.varint(token.alias);
      break;
    case AuthTokenAliasType.Register:
      w.varint(token.alias).varint(token.tokenType).bytes(token.tokenValue);
      break;
    case AuthTokenAliasType.UseValue:
      w.varint(token.tokenType).bytes(token.tokenValue);
      break;
  }
  return w.finish();
}

/** §AUTHORIZATION TOKEN: a Token that cannot be decoded is KEY_VALUE_FORMATTING_ERROR. */
export function decodeAuthToken(bytes: Uint8Array): AuthToken {
  try {
    return readToken(new Reader(bytes));
  } catch (e) {
    if (e instanceof CodingError) throw MoqError.keyValueFormatting(`auth token: ${e.message}`);
    throw e;
  }
}

function readToken(r: Reader): AuthToken {
  const aliasType = r.varint();
  switch (aliasType) {
    case AuthTokenAliasType.Delete:
    case AuthTokenAliasType.UseAlias: {
      const alias = r.varint();
      if (r.remaining > 0) throw MoqError.keyValueFormatting('auth token has trailing bytes');
      return { aliasType, alias };
    }
    case AuthTokenAliasType.Register: {
      const alias = r.varint();
      const tokenType = r.varint();
      return { aliasType, alias, tokenType, tokenValue: r.rest() };
    }
    case AuthTokenAliasType.UseValue: {
      const tokenType = r.varint();
      return { aliasType, tokenType, tokenValue: r.rest() };
    }
    default:
      throw MoqError.keyValueFormatting(`unknown auth token alias type ${aliasType}`);
  }
}
