/// <reference types="vite/client" />
import type { StudioApi } from '../../studio/index.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the renderer is served headless. */
    studio?: StudioApi;
  }
}
