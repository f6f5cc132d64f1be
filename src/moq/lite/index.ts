// moq-lite (draft-lcurley-moq-lite 03..05) over the same model as MoQ Transport drafts 14/16: a
// moq-lite publisher's broadcast is read by draft-14/16 subscribers and the reverse.
export { LiteError, type LiteErrorCode } from './lite-error.js';
export { LiteSession } from './lite-session.js';
export type { LiteSessionOptions } from './lite-options.js';
export { LITE_PROTOCOLS, LiteVersion, liteVersionName, liteVersionOfProtocol } from './version.js';
