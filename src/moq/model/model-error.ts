export type ModelErrorCode =
  'CLOSED' | 'OBJECT_ORDER' | 'GROUP_ORDER' | 'TRACK_NOT_FOUND' | 'DUPLICATE_TRACK';

/** A misuse of, or a read from, a model object that cannot go on. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(message);
  }
}
