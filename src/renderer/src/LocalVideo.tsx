import { useEffect, useRef, type JSX } from 'react';

/** The camera or screen as captured, muted (the streamer does not want to hear themself). */
export function LocalVideo({ stream }: { stream: MediaStream }): JSX.Element {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    element.srcObject = stream;
    element.play().catch(() => undefined); // autoplay of a muted element is allowed
    return () => {
      element.srcObject = null;
    };
  }, [stream]);
  return <video className="local-video" ref={video} muted playsInline data-testid="local-video" />;
}
