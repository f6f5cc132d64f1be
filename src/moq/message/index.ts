export * from './auth-token.js';
export * from './client-setup.js';
export * from './control-message.js';
export * from './fetch-cancel.js';
export * from './fetch-error.js';
export * from './fetch-ok.js';
export * from './fetch.js';
export * from './fields.js';
export * from './filter-type.js';
export * from './go-away.js';
export * from './group-order.js';
export * from './key-value-list.js';
export * from './key-value-pair.js';
export * from './location.js';
export * from './max-request-id.js';
export * from './namespace-entry.js';
export * from './message-type.js';
export * from './parameters.js';
export * from './publish-done.js';
export * from './publish-error.js';
export * from './publish-namespace-cancel.js';
export * from './publish-namespace-done.js';
export * from './publish-namespace-error.js';
export * from './publish-namespace-ok.js';
export * from './publish-namespace.js';
export * from './publish-ok.js';
export * from './publish.js';
export * from './reason-phrase.js';
export * from './request-error-code.js';
export * from './request-error.js';
export * from './request-fields-d16.js';
export * from './request-ok.js';
export * from './requests-blocked.js';
export * from './server-setup.js';
export * from './setup-parameters.js';
export * from './subscribe-error.js';
export * from './subscribe-namespace-error.js';
export * from './subscribe-namespace-ok.js';
export * from './subscribe-namespace.js';
export * from './subscribe-ok.js';
export * from './subscribe-update.js';
export * from './subscribe.js';
export * from './track-name.js';
export * from './track-status-error.js';
export * from './track-status-ok.js';
export * from './track-status.js';
export * from './unsubscribe-namespace.js';
export * from './unsubscribe.js';
export * from './version.js';
export {
  MAX_SWITCHING_SET,
  RENDITION_EXTENSION,
  SWITCHING_SET_PARAMETER,
  decodeSwitchingSet,
  encodeSwitchingSet,
  type SwitchingSetEntry,
} from './switching-set.js';
export {
  D18MessageDecoder,
  D18MessageType,
  D18_REQUEST_TYPES,
  decodeD18Payload,
  encodeD18GoAway,
  encodeD18Message,
  type D18DecodeContext,
} from './control-message-d18.js';
export { D18Parameter, decodeD18Filter, encodeD18Filter } from './parameters-d18.js';
