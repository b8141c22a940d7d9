/**
 * The theme: the OS's choice (prefers-color-scheme) unless settings.theme overrides it.
 * CSS does the work (light-dark() on `color-scheme`); this only sets the override on <html>,
 * and tells components that draw on a canvas which scheme is in force.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useSettingsStore } from '../stores/settings-store';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

function subscribeToSystem(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

export function useThemeAttribute(): void {
  const theme = useSettingsStore((state) => state.settings?.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}

/** The scheme in force, for canvases that cannot use CSS variables directly. */
export function useColorScheme(): 'light' | 'dark' {
  const theme = useSettingsStore((state) => state.settings?.theme ?? 'system');
  const systemDark = useSyncExternalStore(subscribeToSystem, systemPrefersDark);
  if (theme !== 'system') return theme;
  return systemDark ? 'dark' : 'light';
}
