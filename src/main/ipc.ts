import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import {
  STUDIO_CHANNELS,
  STUDIO_METHODS,
  type StudioApi,
  type StudioMethod,
} from '../studio/index.js';

type Handler<K extends StudioMethod> = (
  ...args: Parameters<StudioApi[K]>
) => ReturnType<StudioApi[K]>;

/** The only place `ipcMain` is used: one handler per `StudioApi` method, typed by the contract. */
function handle<K extends StudioMethod>(
  method: K,
  isTrusted: (url: string) => boolean,
  handler: Handler<K>,
): void {
  ipcMain.handle(STUDIO_CHANNELS[method], (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    const url = event.senderFrame?.url;
    if (url === undefined || !isTrusted(url)) throw new Error(`untrusted IPC sender: ${url}`);
    // Arguments come from the renderer: methods that take any must validate them.
    return handler(...(args as Parameters<StudioApi[K]>));
  });
}

/** Serves `api` over IPC to frames whose URL passes `isTrusted`; returns a function to stop. */
export function serveStudioApi(api: StudioApi, isTrusted: (url: string) => boolean): () => void {
  for (const method of STUDIO_METHODS) handle(method, isTrusted, (...args) => api[method](...args));
  return () => STUDIO_METHODS.forEach((method) => ipcMain.removeHandler(STUDIO_CHANNELS[method]));
}
