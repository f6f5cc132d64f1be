export { connectRelay, type ConnectRelayOptions, type RelayConnection } from './connect-relay.js';
export { Player } from './player.js';
export { PlayerError, type PlayerErrorCode } from './player-error.js';
export type {
  AbrSide,
  ChosenBy,
  PlayerMode,
  MoqDraft,
  PlayerOptions,
  PlayerState,
  PlayerStats,
  RelayTransport,
  RenditionInfo,
} from './player-types.js';
export { startRequests } from './start-requests.js';
