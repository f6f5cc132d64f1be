import {
  DEFAULT_SETTINGS,
  type StudioApi,
  type StudioSettings,
  type StudioStatus,
} from './studio-api.js';
import { StudioError } from './studio-error.js';

export interface StudioOptions {
  /** The application's version (package.json `version`). */
  appVersion: string;
  /** Where settings.json lives. */
  dataDir: string;
}

/** The studio engine: StudioApi plus its own lifetime. */
export interface Studio extends StudioApi {
  readonly closed: Promise<void>;
  close(reason?: string): Promise<void>;
}

/** Placeholder until the engine lands: settings in memory, idle forever. */
export function createStudio(options: StudioOptions): Studio {
  let settings: StudioSettings = DEFAULT_SETTINGS;
  const status = (): StudioStatus => ({
    state: 'idle',
    reason: 'not started',
    since: 0,
    checklist: [],
  });
  const notYet = (): Promise<never> =>
    Promise.reject(new StudioError('INTERNAL', 'the studio engine is not built yet'));
  return {
    getVersion: async () => ({
      app: options.appVersion,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
      node: process.versions.node,
    }),
    getSettings: async () => settings,
    updateSettings: async (patch) => (settings = { ...settings, ...patch }),
    goLive: notYet,
    stop: async () => status(),
    retryNow: notYet,
    getStatus: async () => status(),
    pushChunk: notYet,
    endChunks: notYet,
    getRelayInfo: async () => ({ kind: settings.relay.kind, url: undefined, running: false }),
    on: () => () => undefined,
    closed: Promise.resolve(),
    close: async () => undefined,
  };
}
