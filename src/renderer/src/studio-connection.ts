import type { StudioApi } from '../../studio/studio-api.js';
import { StudioClient } from '../../studio/studio-client.js';

export interface StudioConnection {
  api: StudioApi;
  /** Resolves with why the engine went away (only the headless WebSocket can). */
  lost: Promise<string>;
}

/**
 * The engine this page talks to: the Electron preload's `window.studio` when present, else the
 * headless studio that served the page (`moq-studio serve`, WebSocket at /api with the page's
 * `?token=`).
 */
export async function connectStudio(): Promise<StudioConnection> {
  if (window.studio) return { api: window.studio, lost: new Promise<string>(() => undefined) };
  const client = await StudioClient.fromPage(location.href);
  return {
    api: client,
    lost: client.closed.then(() => 'the connection to the studio closed — reload the page'),
  };
}
