import { useCallback, useEffect, useRef, useState } from 'react';
import type { SourceSettings } from '../../studio/studio-api.js';

export interface CaptureStream {
  /** The live camera or screen; undefined until acquired (or for ffmpeg's own sources). */
  stream: MediaStream | undefined;
  /** Why there is no stream (permission denied, no device…), in actionable words. */
  error: string | undefined;
  /** Asks for the camera or screen again (a click: getDisplayMedia needs a user gesture). */
  acquire: () => void;
}

const CAMERA: MediaStreamConstraints = {
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
  audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
};
const SCREEN: DisplayMediaStreamOptions = { video: { frameRate: { ideal: 30 } }, audio: true };

function describeCaptureError(kind: 'camera' | 'screen', error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  const what = kind === 'camera' ? 'camera and microphone' : 'screen';
  if (name === 'NotAllowedError') {
    return `access to the ${what} was refused — allow it for this page (the icon in the address bar or the system privacy settings), then press "Use ${kind}" again`;
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return `no ${what} found — connect one, or choose another source`;
  }
  if (name === 'NotReadableError') {
    return `the ${what} is busy in another application — close it there, then press "Use ${kind}" again`;
  }
  return `the ${what} could not be opened: ${error instanceof Error ? error.message : String(error)}`;
}

async function open(kind: 'camera' | 'screen'): Promise<MediaStream> {
  const devices = navigator.mediaDevices as MediaDevices | undefined;
  if (!devices) throw new Error('this page is not a secure context, so it cannot capture');
  return kind === 'camera' ? devices.getUserMedia(CAMERA) : devices.getDisplayMedia(SCREEN);
}

/**
 * The camera (opened as soon as it is the source, for the preview) or the screen (opened on a
 * click); released when the source changes or the view goes.
 */
export function useCaptureStream(kind: SourceSettings['kind']): CaptureStream {
  const [stream, setStream] = useState<MediaStream>();
  const [error, setError] = useState<string>();
  const current = useRef<MediaStream | undefined>(undefined);
  const attempt = useRef(0);

  const release = useCallback(() => {
    current.current?.getTracks().forEach((track) => track.stop());
    current.current = undefined;
    setStream(undefined);
  }, []);

  const acquire = useCallback(() => {
    if (kind !== 'camera' && kind !== 'screen') return;
    const mine = ++attempt.current;
    release();
    setError(undefined);
    open(kind).then(
      (opened) => {
        if (mine !== attempt.current) return opened.getTracks().forEach((t) => t.stop());
        current.current = opened;
        setStream(opened);
        // The user may end a screen share from the browser's own bar.
        opened.getVideoTracks()[0]?.addEventListener('ended', () => {
          if (current.current === opened) release();
        });
      },
      (failure: unknown) => {
        if (mine === attempt.current) setError(describeCaptureError(kind, failure));
      },
    );
  }, [kind, release]);

  useEffect(() => {
    if (kind === 'camera') acquire();
    return () => {
      attempt.current++;
      release();
      setError(undefined);
    };
  }, [kind, acquire, release]);

  return { stream, error, acquire };
}
