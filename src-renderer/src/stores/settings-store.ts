/** The app's settings as main keeps them; main is the only writer (updateSettings). */
import { create } from 'zustand';
import type { Settings } from '../../../src-main/ipc/contract.js';

interface SettingsState {
  readonly settings: Settings | null;
  replace(settings: Settings): void;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  replace: (settings) => set({ settings }),
}));
