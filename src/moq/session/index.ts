export { MoqSession } from './moq-session.js';
export {
  DRAFT_14_PROTOCOLS,
  PROTOCOL_VERSIONS,
  SUPPORTED_VERSIONS,
  protocolsOfVersion,
  versionOfProtocol,
} from './setup.js';
export type { Announcement, MoqSessionOptions, SwitchingSetRequest } from './session-options.js';
export type { SubscribeOptions } from './subscriber.js';
export type { FetchedObject } from './fetch-client.js';
