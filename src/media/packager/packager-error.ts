export type PackagerErrorCode = 'CLOSED' | 'DUPLICATE_TRACK' | 'ROLE_MISMATCH';

/** A misuse of the packager, or a source whose media is not what its track was declared as. */
export class PackagerError extends Error {
  override readonly name = 'PackagerError';
  constructor(
    readonly code: PackagerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
