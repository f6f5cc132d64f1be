import { useCallback, useEffect, useRef, useState } from 'react';
import type { StudioApi, StudioSettings, StudioStatus } from '../../studio/studio-api.js';
import type { BannerError } from './ErrorBanner.js';
import { CaptureRecorder } from './capture-recorder.js';
import { errorText } from './format.js';

export interface GoLiveControls {
  /** goLive was sent and has not answered (Go live cannot be pressed twice). */
  launching: boolean;
  /** stop was sent and has not answered. */
  stopping: boolean;
  /** A failure on this side (a command refused, the capture broke); engine failures are in the status. */
  localError: BannerError | undefined;
  clearLocalError: () => void;
  goLive: () => void;
  stop: () => void;
  retryNow: () => void;
}

/**
 * The Go live / Stop / Retry now commands, and for camera/screen the recording that feeds the
 * engine: a fresh recorder per go-live (its first chunk holds the WebM header), started right
 * after goLive is sent and stopped before Stop, or as soon as the studio is idle again.
 */
export function useGoLive(
  api: StudioApi,
  settings: StudioSettings | undefined,
  status: StudioStatus | undefined,
  stream: MediaStream | undefined,
  log: (level: 'error' | 'info', message: string) => void,
): GoLiveControls {
  const [launching, setLaunching] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [localError, setLocalError] = useState<BannerError>();
  const recorder = useRef<CaptureRecorder | undefined>(undefined);

  const stopRecorder = useCallback(async (): Promise<void> => {
    const current = recorder.current;
    recorder.current = undefined;
    await current?.stop(false);
  }, []);

  useEffect(() => {
    if (status?.state === 'idle') void stopRecorder();
  }, [status?.state, stopRecorder]);
  useEffect(() => () => void stopRecorder(), [stopRecorder]);

  const refuse = useCallback((error: unknown) => {
    setLocalError({ message: errorText(error) });
  }, []);

  const startRecorder = useCallback((): void => {
    if (!settings || !stream) return;
    const next = new CaptureRecorder({
      stream,
      push: (bytes) => api.pushChunk(bytes),
      end: () => api.endChunks(),
      gopMs: settings.gopMs,
      onError: (message) => {
        log('error', `capture: ${message}`);
        setLocalError({
          message: `The capture stopped reaching the studio: ${message}`,
          hint: 'press Stop, then Go live again; if it repeats, lower the camera resolution',
        });
      },
    });
    next.start();
    recorder.current = next;
    log('info', `recording ${next.mimeType} for the engine`);
  }, [api, settings, stream, log]);

  const goLive = useCallback(() => {
    const capture = settings?.source.kind === 'camera' || settings?.source.kind === 'screen';
    setLaunching(true);
    setLocalError(undefined);
    const attempt = api.goLive();
    try {
      if (capture) startRecorder();
    } catch (error) {
      refuse(error);
      void api.stop().catch(() => undefined);
    }
    attempt
      .then((result) => (result.state === 'idle' ? stopRecorder() : undefined))
      .catch(refuse)
      .finally(() => setLaunching(false));
  }, [api, settings, startRecorder, stopRecorder, refuse]);

  const stop = useCallback(() => {
    setStopping(true);
    stopRecorder()
      .then(() => api.stop())
      .catch(refuse)
      .finally(() => setStopping(false));
  }, [api, stopRecorder, refuse]);

  const retryNow = useCallback(() => {
    api.retryNow().catch(refuse);
  }, [api, refuse]);

  return {
    launching,
    stopping,
    localError,
    clearLocalError: () => setLocalError(undefined),
    goLive,
    stop,
    retryNow,
  };
}
