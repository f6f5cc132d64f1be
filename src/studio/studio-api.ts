/** Versions of the running studio; `electron` is absent when it runs headless. */
export interface StudioVersions {
  app: string;
  electron?: string;
  node: string;
}

/** Where the studio publishes; `url` is undefined until a relay is configured. */
export interface RelayInfo {
  url: string | undefined;
}

/**
 * The studio engine's whole surface, served to the renderer over Electron IPC (or, headless, over
 * a WebSocket). Every method is async and takes only structured-clonable arguments.
 */
export interface StudioApi {
  getVersion(): Promise<StudioVersions>;
  getRelayInfo(): Promise<RelayInfo>;
}

/** The IPC channel of each `StudioApi` method; the only channels main and preload may use. */
export const STUDIO_CHANNELS = {
  getVersion: 'studio:get-version',
  getRelayInfo: 'studio:get-relay-info',
} as const satisfies { readonly [K in keyof StudioApi]: `studio:${string}` };

export type StudioMethod = keyof StudioApi;
export type StudioChannel = (typeof STUDIO_CHANNELS)[StudioMethod];

/** The method names, in contract order. */
export const STUDIO_METHODS = /* @__PURE__ */ Object.keys(STUDIO_CHANNELS) as StudioMethod[];
