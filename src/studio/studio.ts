import type { StudioApi } from './studio-api.js';

export interface StudioOptions {
  /** The application's version (package.json `version`). */
  appVersion: string;
  /** The relay to publish to, if one is configured. */
  relayUrl?: string | undefined;
}

/** The studio engine. For now it only reports versions and the configured relay. */
export function createStudio(options: StudioOptions): StudioApi {
  return {
    getVersion: async () => ({
      app: options.appVersion,
      ...(process.versions.electron ? { electron: process.versions.electron } : {}),
      node: process.versions.node,
    }),
    getRelayInfo: async () => ({ url: options.relayUrl }),
  };
}
