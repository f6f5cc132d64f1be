// Exposes exactly `StudioApi` as `window.studio`; the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { STUDIO_CHANNELS, STUDIO_EVENT_CHANNELS } from '../studio/studio-channels.js';
import type {
  StudioApi,
  StudioCommands,
  StudioEventName,
  StudioListener,
  StudioMethod,
} from '../studio/studio-api.js';

const invoke =
  <K extends StudioMethod>(method: K) =>
  (...args: Parameters<StudioCommands[K]>) =>
    ipcRenderer.invoke(STUDIO_CHANNELS[method], ...args) as ReturnType<StudioCommands[K]>;

function on<E extends StudioEventName>(event: E, listener: StudioListener<E>): () => void {
  const channel = STUDIO_EVENT_CHANNELS[event];
  const relay = (_: IpcRendererEvent, data: Parameters<StudioListener<E>>[0]): void =>
    listener(data);
  ipcRenderer.on(channel, relay);
  return () => void ipcRenderer.off(channel, relay);
}

const studio: StudioApi = {
  getVersion: invoke('getVersion'),
  getSettings: invoke('getSettings'),
  updateSettings: invoke('updateSettings'),
  goLive: invoke('goLive'),
  stop: invoke('stop'),
  retryNow: invoke('retryNow'),
  getStatus: invoke('getStatus'),
  getLog: invoke('getLog'),
  pushChunk: invoke('pushChunk'),
  endChunks: invoke('endChunks'),
  getRelayInfo: invoke('getRelayInfo'),
  getChat: invoke('getChat'),
  on,
};

contextBridge.exposeInMainWorld('studio', studio);
