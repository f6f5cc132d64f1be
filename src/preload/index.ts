// Exposes exactly `StudioApi` as `window.studio`; the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer } from 'electron';
import { STUDIO_CHANNELS, type StudioApi, type StudioMethod } from '../studio/studio-api.js';

const invoke =
  <K extends StudioMethod>(method: K) =>
  (...args: Parameters<StudioApi[K]>) =>
    ipcRenderer.invoke(STUDIO_CHANNELS[method], ...args) as ReturnType<StudioApi[K]>;

const studio: StudioApi = {
  getVersion: invoke('getVersion'),
  getRelayInfo: invoke('getRelayInfo'),
};

contextBridge.exposeInMainWorld('studio', studio);
