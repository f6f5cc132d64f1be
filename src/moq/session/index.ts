export { MoqSession, defaultClientSetupBytes } from './moq-session.js';
export { markSetupSent, type EarlyWrite } from './early-setup.js';
export {
  DRAFT_14_PROTOCOLS,
  PROTOCOL_VERSIONS,
  SUPPORTED_VERSIONS,
  protocolsOfVersion,
  versionOfProtocol,
} from './setup.js';
export type {
  Announcement,
  ClientSetupInfo,
  MoqSessionOptions,
  SwitchingSetRequest,
} from './session-options.js';
export type { SubscribeOptions, SubscribeRequest } from './subscribe-request.js';
export { earlySubscribeBytes } from './early-requests.js';
export type { FetchedObject } from './fetch-client.js';
export type { GroupDropReason, SessionCounters } from './session-context.js';
export type { ServedSubscription } from './publisher.js';
export { CONTROL_SEND_ORDER, controlFirst } from './control-first.js';
