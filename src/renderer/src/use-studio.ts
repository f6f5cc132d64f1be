import { useCallback, useEffect, useState } from 'react';
import type {
  StudioApi,
  StudioLogEntry,
  StudioSettings,
  StudioStats,
  StudioStatus,
  StudioVersions,
} from '../../studio/studio-api.js';
import { errorText } from './format.js';
import { pushSample } from './stats-history.js';

/** The log panel keeps this many entries; older ones scroll away for good. */
export const LOG_LIMIT = 400;

/** Everything the studio window shows, kept current from the engine's events. */
export interface StudioModel {
  status: StudioStatus | undefined;
  settings: StudioSettings | undefined;
  versions: StudioVersions | undefined;
  /** The last minute of stats, oldest first; cleared when a new go-live starts. */
  history: StudioStats[];
  logs: StudioLogEntry[];
  /** The engine could not be reached (the app shows it instead of the studio). */
  loadError: string | undefined;
  setSettings: (settings: StudioSettings) => void;
  /** Adds a line to the log panel from the renderer itself (e.g. capture failures). */
  addLog: (level: StudioLogEntry['level'], message: string) => void;
}

export function useStudio(api: StudioApi): StudioModel {
  const [status, setStatus] = useState<StudioStatus>();
  const [settings, setSettings] = useState<StudioSettings>();
  const [versions, setVersions] = useState<StudioVersions>();
  const [history, setHistory] = useState<StudioStats[]>([]);
  const [logs, setLogs] = useState<StudioLogEntry[]>([]);
  const [loadError, setLoadError] = useState<string>();

  const addEntry = useCallback((entry: StudioLogEntry) => {
    setLogs((all) => {
      const next = [...all, entry];
      return next.length > LOG_LIMIT ? next.slice(next.length - LOG_LIMIT) : next;
    });
  }, []);

  useEffect(() => {
    const offs = [
      api.on('status', (next) => {
        if (next.state === 'checking') setHistory([]);
        setStatus(next);
      }),
      api.on('stats', (sample) => setHistory((all) => pushSample(all, sample))),
      api.on('log', addEntry),
    ];
    const fail = (error: unknown): void => setLoadError(errorText(error));
    Promise.all([api.getStatus(), api.getSettings(), api.getVersion()]).then(([s, st, v]) => {
      setStatus((current) => current ?? s);
      setSettings(st);
      setVersions(v);
    }, fail);
    return () => offs.forEach((off) => off());
  }, [api, addEntry]);

  const addLog = useCallback(
    (level: StudioLogEntry['level'], message: string) =>
      addEntry({ level, message: `renderer: ${message}`, time: Date.now() }),
    [addEntry],
  );

  return { status, settings, versions, history, logs, loadError, setSettings, addLog };
}
