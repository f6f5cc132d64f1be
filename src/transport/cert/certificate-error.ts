/** Why a certificate could not be made, read or used. */
export type CertificateErrorCode =
  | 'CERT_NOT_FOUND'
  | 'KEY_NOT_FOUND'
  | 'CERT_INVALID'
  | 'KEY_INVALID'
  | 'KEY_MISMATCH'
  | 'VALIDITY_TOO_LONG'
  | 'INVALID_OPTIONS';

/** A typed certificate failure; the message names the file or option at fault. */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
