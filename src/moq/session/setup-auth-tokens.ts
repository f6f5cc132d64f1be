import { type AuthToken, AuthTokenAliasType } from '../message/index.js';

/**
 * The CLIENT_SETUP authorization tokens for an optional token: none, or one sent by value.
 * Token type 0 is "negotiated out-of-band" (§AUTHORIZATION TOKEN); ours is a JWT.
 */
export function setupAuthTokens(authorizationToken: string | undefined): AuthToken[] {
  if (authorizationToken === undefined) return [];
  return [
    {
      aliasType: AuthTokenAliasType.UseValue,
      tokenType: 0,
      tokenValue: new TextEncoder().encode(authorizationToken),
    },
  ];
}
