/** Why a cluster lookup failed: compare `code`, never the message. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(
    readonly code: 'NOT_FOUND' | 'CLOSED' | 'BAD_OPTIONS',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
