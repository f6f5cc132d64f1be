import { useCallback, useEffect, useRef, useState, type JSX } from 'react';
import type { StudioApi, StudioSettings, StudioStatus } from '../../studio/studio-api.js';
import { ChatPanel } from './ChatPanel.js';
import { ErrorBanner, type BannerError } from './ErrorBanner.js';
import { GoLivePanel } from './GoLivePanel.js';
import { LogPanel } from './LogPanel.js';
import { MonitoringPanel } from './MonitoringPanel.js';
import { OutputSettings } from './OutputSettings.js';
import { Preview } from './Preview.js';
import { RelaySettings } from './RelaySettings.js';
import { SourcePicker } from './SourcePicker.js';
import type { Series } from './stats-history.js';
import { useCaptureStream } from './use-capture-stream.js';
import { useGoLive } from './use-go-live.js';
import { useSettingsSaver } from './use-settings-saver.js';
import type { StudioModel } from './use-studio.js';

export interface StudioViewProps {
  api: StudioApi;
  model: StudioModel;
  settings: StudioSettings;
  status: StudioStatus;
}

/** The preview player's latency, sampled as each stats sample arrives (so the two line up). */
function usePreviewLatency(model: StudioModel): [Series, (ms: number | undefined) => void] {
  const current = useRef<number | undefined>(undefined);
  const [series, setSeries] = useState<Series>([]);
  const lastAt = model.history.at(-1)?.at;
  const length = model.history.length;
  useEffect(() => {
    if (length === 0) return setSeries([]);
    setSeries((all) => [...all, current.current ?? null].slice(-length));
  }, [lastAt, length]);
  const report = useCallback((ms: number | undefined) => (current.current = ms), []);
  return [series, report];
}

/** Why Go live cannot be pressed yet, for camera/screen sources without an open capture. */
function blockedReason(
  settings: StudioSettings,
  stream: MediaStream | undefined,
): string | undefined {
  const kind = settings.source.kind;
  if ((kind === 'camera' || kind === 'screen') && !stream) {
    return kind === 'camera' ? 'open the camera first' : 'choose a screen first';
  }
  return undefined;
}

/** The studio window: sources and settings, preview and go-live, monitoring and the log. */
export function StudioView({ api, model, settings, status }: StudioViewProps): JSX.Element {
  const saver = useSettingsSaver(api, model.setSettings);
  const capture = useCaptureStream(settings.source.kind);
  const controls = useGoLive(api, settings, status, capture.stream, model.addLog);
  const [latency, reportLatency] = usePreviewLatency(model);
  // Each status is a fresh copy, so a dismissed error is remembered by its words, until the
  // next go-live (which clears the engine's error anyway).
  const [dismissed, setDismissed] = useState<string>();
  useEffect(() => {
    if (status.state === 'checking') setDismissed(undefined);
  }, [status.state]);
  const locked = status.state !== 'idle';

  const errorKey = status.error && `${status.error.code}:${status.error.message}`;
  const engineError = errorKey !== dismissed ? status.error : undefined;
  const banner: BannerError | undefined = controls.localError ?? engineError;
  const dismiss = (): void => {
    controls.clearLocalError();
    setDismissed(errorKey);
  };

  return (
    <div className="studio">
      {banner && <ErrorBanner error={banner} onDismiss={dismiss} />}
      <div className="studio-grid">
        <aside className="column settings-column">
          <SourcePicker source={settings.source} locked={locked} saver={saver} capture={capture} />
          <OutputSettings settings={settings} locked={locked} saver={saver} />
          <RelaySettings relay={settings.relay} locked={locked} saver={saver} />
          {locked && <p className="locked-note">Settings are locked while the broadcast runs.</p>}
        </aside>
        <main className="column center-column">
          <Preview
            source={settings.source}
            status={status}
            stream={capture.stream}
            onLatency={reportLatency}
          />
          <GoLivePanel
            status={status}
            launching={controls.launching}
            stopping={controls.stopping}
            blocked={blockedReason(settings, capture.stream)}
            onGoLive={controls.goLive}
            onStop={controls.stop}
            onRetry={controls.retryNow}
          />
          <div className="feeds">
            <section className="panel log-panel">
              <h2>Log</h2>
              <LogPanel logs={model.logs} />
            </section>
            <section className="panel log-panel chat-panel">
              <h2>Chat</h2>
              <ChatPanel api={api} />
            </section>
          </div>
        </main>
        <aside className="column monitor-column panel">
          <h2>Monitoring</h2>
          <MonitoringPanel
            history={model.history}
            ladder={settings.ladder}
            previewLatency={latency}
          />
        </aside>
      </div>
    </div>
  );
}
