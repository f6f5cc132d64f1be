import { useCallback, useState } from 'react';
import type { SettingsPatch, StudioApi, StudioSettings } from '../../studio/studio-api.js';
import { errorText } from './format.js';

export interface SettingsSaver {
  /** Per field (a settings key, or a finer name like `relay.url`), the last refusal. */
  errors: Record<string, string>;
  /** Saves `patch`; on refusal the message shows under `field` and nothing changes. */
  save: (field: string, patch: SettingsPatch) => Promise<boolean>;
  /** Shows a refusal found before asking the engine (the same schemas it checks with). */
  reject: (field: string, message: string) => void;
  clear: (field: string) => void;
}

export function useSettingsSaver(
  api: StudioApi,
  onSaved: (settings: StudioSettings) => void,
): SettingsSaver {
  const [errors, setErrors] = useState<Record<string, string>>({});

  const clear = useCallback((field: string) => {
    setErrors(({ [field]: _gone, ...rest }) => rest);
  }, []);

  const reject = useCallback((field: string, message: string) => {
    setErrors((all) => ({ ...all, [field]: message }));
  }, []);

  const save = useCallback(
    async (field: string, patch: SettingsPatch): Promise<boolean> => {
      try {
        onSaved(await api.updateSettings(patch));
        clear(field);
        return true;
      } catch (error) {
        reject(field, errorText(error));
        return false;
      }
    },
    [api, onSaved, clear, reject],
  );

  return { errors, save, reject, clear };
}
