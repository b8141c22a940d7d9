import { afterEach, describe, expect, it } from 'vitest';
import {
  resetLayoutStore,
  SIDEBAR_STORAGE_KEY,
  sidebarCollapsed,
  useLayoutStore,
} from './layout-store';

afterEach(resetLayoutStore);

describe('the sidebar, folded or not', () => {
  it('follows the window until the operator chooses', () => {
    resetLayoutStore();
    useLayoutStore.getState().setNarrow(true);
    expect(sidebarCollapsed(useLayoutStore.getState())).toBe(true);
    useLayoutStore.getState().setNarrow(false);
    expect(sidebarCollapsed(useLayoutStore.getState())).toBe(false);
  });

  it('keeps the toggle’s choice at every width, and remembers it', () => {
    resetLayoutStore();
    useLayoutStore.getState().setNarrow(true);
    useLayoutStore.getState().toggleSidebar();
    expect(sidebarCollapsed(useLayoutStore.getState())).toBe(false);
    expect(localStorage.getItem(SIDEBAR_STORAGE_KEY)).toBe('expanded');
    useLayoutStore.getState().setNarrow(false);
    useLayoutStore.getState().toggleSidebar();
    useLayoutStore.getState().setNarrow(true);
    useLayoutStore.getState().setNarrow(false);
    expect(sidebarCollapsed(useLayoutStore.getState())).toBe(true);
    expect(localStorage.getItem(SIDEBAR_STORAGE_KEY)).toBe('collapsed');
  });
});
