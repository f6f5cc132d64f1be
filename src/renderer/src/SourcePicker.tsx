import { useEffect, useState, type JSX, type KeyboardEvent } from 'react';
import type { SourceSettings } from '../../studio/studio-api.js';
import { Field } from './Field.js';
import type { CaptureStream } from './use-capture-stream.js';
import { useDraft } from './use-draft.js';
import type { SettingsSaver } from './use-settings-saver.js';

type Kind = SourceSettings['kind'];

const KINDS: Array<{ kind: Kind; label: string; icon: string; what: string }> = [
  { kind: 'test-pattern', label: 'Test pattern', icon: '▦', what: 'bars, a clock and a tone' },
  { kind: 'file', label: 'File', icon: '▶', what: 'a media file, looped' },
  { kind: 'camera', label: 'Camera + mic', icon: '◉', what: 'this device’s camera' },
  { kind: 'screen', label: 'Screen', icon: '▭', what: 'a screen or window' },
];

export interface SourcePickerProps {
  source: SourceSettings;
  locked: boolean;
  saver: SettingsSaver;
  capture: CaptureStream;
}

function fresh(kind: Kind, previous: SourceSettings): SourceSettings {
  if (kind === 'file') {
    return previous.kind === 'file' ? previous : { kind: 'file', path: '', loop: true };
  }
  return { kind };
}

/** What is broadcast: four kinds, with the file's path or the capture's state under them. */
export function SourcePicker({ source, locked, saver, capture }: SourcePickerProps): JSX.Element {
  // "File" chosen but not saved yet: the engine accepts a file source only with its path.
  const [pendingFile, setPendingFile] = useState(false);
  useEffect(() => {
    if (source.kind === 'file') setPendingFile(false);
  }, [source.kind]);
  const shown: Kind = pendingFile ? 'file' : source.kind;

  const pick = (kind: Kind): void => {
    setPendingFile(false);
    if (kind === source.kind) return;
    if (kind === 'file') {
      saver.reject('source', 'type the path of a media file, then press Enter');
      setPendingFile(true);
      return;
    }
    void saver.save('source', { source: fresh(kind, source) });
  };

  return (
    <section className="panel sources">
      <h2>Source</h2>
      <div className="source-kinds" role="radiogroup">
        {KINDS.map(({ kind, label, icon, what }) => (
          <button
            key={kind}
            type="button"
            role="radio"
            aria-checked={shown === kind}
            className={`source-kind${shown === kind ? ' selected' : ''}`}
            disabled={locked}
            title={what}
            onClick={() => pick(kind)}
            data-testid={`source-${kind}`}
          >
            <span className="source-icon" aria-hidden="true">
              {icon}
            </span>
            {label}
          </button>
        ))}
      </div>
      {shown === 'file' && <FileFields source={source} locked={locked} saver={saver} />}
      {(shown === 'camera' || shown === 'screen') && (
        <CaptureState kind={shown} capture={capture} locked={locked} />
      )}
      {saver.errors.source && shown !== 'file' && (
        <span className="field-error" role="alert">
          {saver.errors.source}
        </span>
      )}
    </section>
  );
}

function FileFields({
  source,
  locked,
  saver,
}: {
  source: SourceSettings;
  locked: boolean;
  saver: SettingsSaver;
}): JSX.Element {
  const file = source.kind === 'file' ? source : { path: '', loop: true };
  const [path, setPath] = useDraft(file.path);
  const commit = (loop = file.loop): void => {
    const trimmed = path.trim();
    if (!trimmed) return saver.reject('source', 'the file path is empty');
    void saver.save('source', { source: { kind: 'file', path: trimmed, loop } });
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') commit();
  };
  return (
    <div className="source-fields">
      <Field label="Path on the studio machine" name="source" error={saver.errors.source}>
        <input
          value={path}
          disabled={locked}
          placeholder="/home/me/clip.mp4"
          spellCheck={false}
          onChange={(e) => setPath(e.target.value)}
          onBlur={() => path.trim() !== file.path && commit()}
          onKeyDown={onKey}
          data-testid="file-path"
        />
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={file.loop}
          disabled={locked || source.kind !== 'file'}
          onChange={(e) => commit(e.target.checked)}
        />
        Loop at the end
      </label>
    </div>
  );
}

function CaptureState({
  kind,
  capture,
  locked,
}: {
  kind: 'camera' | 'screen';
  capture: CaptureStream;
  locked: boolean;
}): JSX.Element {
  const track = capture.stream?.getVideoTracks()[0];
  const audio = capture.stream?.getAudioTracks()[0];
  return (
    <div className="capture-state" data-testid="capture-state">
      {track ? (
        <span className="ok-text">
          {track.label || kind}
          {audio ? ` + ${audio.label || 'audio'}` : ' (no audio)'}
        </span>
      ) : (
        <span
          className={capture.error ? 'field-error' : 'dim'}
          role={capture.error ? 'alert' : undefined}
        >
          {capture.error ?? (kind === 'camera' ? 'Opening the camera…' : 'No screen chosen yet.')}
        </span>
      )}
      <button
        type="button"
        disabled={locked}
        onClick={capture.acquire}
        data-testid="capture-acquire"
      >
        {kind === 'camera' ? 'Use camera' : track ? 'Choose another screen' : 'Choose screen…'}
      </button>
    </div>
  );
}
