export type CatalogErrorCode = 'MALFORMED';

/** A catalog that cannot be read: not JSON, not an MSF catalog, or a field of the wrong kind. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
  ) {
    super(message);
  }
}
