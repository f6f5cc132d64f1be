import type { JSX, KeyboardEvent } from 'react';
import {
  BroadcastNameSchema,
  type StudioAudioCodec,
  type StudioSettings,
} from '../../studio/studio-api.js';
import { Field } from './Field.js';
import { useDraft } from './use-draft.js';
import type { SettingsSaver } from './use-settings-saver.js';

const LADDER_PRESETS = ['auto', '1080p,720p,360p', '720p,360p', '360p'];
const AUDIO: Array<[StudioAudioCodec, string]> = [
  ['aac', 'AAC'],
  ['opus', 'Opus'],
  ['none', 'No audio'],
];

export interface OutputSettingsProps {
  settings: StudioSettings;
  locked: boolean;
  saver: SettingsSaver;
}

const onEnter =
  (commit: () => void) =>
  (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') commit();
  };

/** The encoder ladder, audio, group length and broadcast name; each saved when committed. */
export function OutputSettings({ settings, locked, saver }: OutputSettingsProps): JSX.Element {
  const [ladder, setLadder] = useDraft(settings.ladder);
  const [name, setName] = useDraft(settings.broadcastName);
  const [gop, setGop] = useDraft(String(settings.gopMs));
  const captured = settings.source.kind === 'camera' || settings.source.kind === 'screen';

  const saveLadder = (value = ladder): void => {
    setLadder(value);
    if (value.trim() !== settings.ladder) void saver.save('ladder', { ladder: value.trim() });
  };
  const saveName = (): void => {
    if (name.trim() === settings.broadcastName) return saver.clear('broadcastName');
    const checked = BroadcastNameSchema.safeParse(name);
    if (!checked.success) {
      return saver.reject('broadcastName', checked.error.issues[0]?.message ?? 'invalid name');
    }
    void saver.save('broadcastName', { broadcastName: checked.data });
  };
  const saveGop = (): void => {
    const ms = Number(gop);
    if (ms === settings.gopMs) return saver.clear('gopMs');
    if (!Number.isInteger(ms) || ms < 250 || ms > 10_000) {
      return saver.reject('gopMs', 'a group lasts 250 to 10000 ms (whole milliseconds)');
    }
    void saver.save('gopMs', { gopMs: ms });
  };

  return (
    <section className="panel output">
      <h2>Output</h2>
      <Field label="Broadcast name" name="broadcastName" error={saver.errors.broadcastName}>
        <input
          value={name}
          disabled={locked}
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
          onBlur={saveName}
          onKeyDown={onEnter(saveName)}
          data-testid="broadcast-name"
        />
      </Field>
      <Field label="Video ladder" name="ladder" error={saver.errors.ladder}>
        <input
          value={ladder}
          disabled={locked}
          spellCheck={false}
          onChange={(e) => setLadder(e.target.value)}
          onBlur={() => saveLadder()}
          onKeyDown={onEnter(() => saveLadder())}
          data-testid="ladder"
        />
      </Field>
      {captured && (
        <p className="field-note">
          Camera and screen go out as captured (one rendition); the ladder applies to the test
          pattern and files.
        </p>
      )}
      <div className="chips">
        {LADDER_PRESETS.map((preset) => (
          <button
            key={preset}
            type="button"
            className={`chip${settings.ladder === preset ? ' selected' : ''}`}
            disabled={locked}
            onClick={() => saveLadder(preset)}
          >
            {preset}
          </button>
        ))}
      </div>
      <div className="field-row">
        <Field label="Audio" name="audio" error={saver.errors.audio}>
          <select
            value={settings.audio}
            disabled={locked}
            onChange={(e) =>
              void saver.save('audio', { audio: e.target.value as StudioAudioCodec })
            }
            data-testid="audio"
          >
            {AUDIO.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="GOP (ms)" name="gopMs" error={saver.errors.gopMs}>
          <input
            inputMode="numeric"
            value={gop}
            disabled={locked}
            onChange={(e) => setGop(e.target.value)}
            onBlur={saveGop}
            onKeyDown={onEnter(saveGop)}
          />
        </Field>
      </div>
    </section>
  );
}
