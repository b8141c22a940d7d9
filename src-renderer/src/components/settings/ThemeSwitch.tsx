/** System / light / dark; main stores the choice (updateSettings) and pushes it back. */
import type { Settings } from '../../../../src-main/ipc/contract.js';
import { useApi } from '../../api/api-context';
import { useSettingsStore } from '../../stores/settings-store';
import { Icon, type IconName } from '../common/Icon';
import { Segmented } from '../common/Segmented';

type Theme = Settings['theme'];

const CHOICES: readonly { value: Theme; icon: IconName; title: string }[] = [
  { value: 'system', icon: 'monitor', title: 'System theme' },
  { value: 'light', icon: 'sun', title: 'Light theme' },
  { value: 'dark', icon: 'moon', title: 'Dark theme' },
];

const OPTIONS = CHOICES.map(({ value, icon, title }) => ({
  value,
  title,
  label: (
    <>
      <Icon name={icon} size={14} />
      <span className="visually-hidden">{title}</span>
    </>
  ),
}));

export function ThemeSwitch() {
  const api = useApi();
  const theme = useSettingsStore((state) => state.settings?.theme ?? 'system');
  const choose = (value: Theme) => {
    // Shown at once; main's answer confirms it, or the old choice comes back on failure.
    const before = useSettingsStore.getState().settings;
    if (before) useSettingsStore.getState().replace({ ...before, theme: value });
    api.updateSettings({ theme: value }).then(
      (saved) => useSettingsStore.getState().replace(saved),
      () => before && useSettingsStore.getState().replace(before),
    );
  };
  return <Segmented label="Theme" value={theme} options={OPTIONS} onChange={choose} size="small" />;
}
