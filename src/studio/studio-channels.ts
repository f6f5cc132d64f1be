/**
 * The wire names of the StudioApi contract. Free of dependencies on purpose: the sandboxed
 * preload imports it, and a sandboxed preload cannot load packages such as zod.
 */
import type { StudioEventName, StudioMethod } from './studio-api.js';

/** The IPC channel of each command; the only invoke channels main and preload may use. */
export const STUDIO_CHANNELS = {
  getVersion: 'studio:get-version',
  getSettings: 'studio:get-settings',
  updateSettings: 'studio:update-settings',
  goLive: 'studio:go-live',
  stop: 'studio:stop',
  retryNow: 'studio:retry-now',
  getStatus: 'studio:get-status',
  getLog: 'studio:get-log',
  pushChunk: 'studio:push-chunk',
  endChunks: 'studio:end-chunks',
  getRelayInfo: 'studio:get-relay-info',
  getChat: 'studio:get-chat',
} as const satisfies { readonly [K in StudioMethod]: `studio:${string}` };

/** The channel main pushes each event on (IPC), and the `event` field of WebSocket events. */
export const STUDIO_EVENT_CHANNELS = {
  status: 'studio:event:status',
  stats: 'studio:event:stats',
  log: 'studio:event:log',
  chat: 'studio:event:chat',
} as const satisfies { readonly [E in StudioEventName]: `studio:event:${E}` };

export type StudioChannel = (typeof STUDIO_CHANNELS)[StudioMethod];

/** The method names, in contract order. */
export const STUDIO_METHODS = /* @__PURE__ */ Object.keys(STUDIO_CHANNELS) as StudioMethod[];
export const STUDIO_EVENTS = /* @__PURE__ */ Object.keys(
  STUDIO_EVENT_CHANNELS,
) as StudioEventName[];

export function isStudioMethod(name: unknown): name is StudioMethod {
  return typeof name === 'string' && Object.hasOwn(STUDIO_CHANNELS, name);
}

/** Path of the headless studio's WebSocket; the page adds `?token=` from its own URL. */
export const STUDIO_WS_PATH = '/api';
