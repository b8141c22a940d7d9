/**
 * Whether the sidebar shows its labels or only icons. Until the operator chooses, it follows
 * the window: icons only below SIDEBAR_COLLAPSE_WIDTH, so a 1024 px laptop window keeps its
 * width for the tables. A choice made with the toggle is remembered in localStorage and then
 * holds at every width.
 */
import { create } from 'zustand';

/** Below this window width (px) the sidebar starts collapsed. */
export const SIDEBAR_COLLAPSE_WIDTH = 1200;
export const SIDEBAR_STORAGE_KEY = 'tunneldesk.sidebar';

type SidebarChoice = 'collapsed' | 'expanded';

interface LayoutState {
  /** The operator's choice, or null to follow the window's width. */
  readonly choice: SidebarChoice | null;
  /** Whether the window is narrow (below SIDEBAR_COLLAPSE_WIDTH). */
  readonly narrow: boolean;
  setNarrow(narrow: boolean): void;
  /** Flips what is shown now, and remembers it. */
  toggleSidebar(): void;
}

function storedChoice(): SidebarChoice | null {
  try {
    const value = localStorage.getItem(SIDEBAR_STORAGE_KEY);
    return value === 'collapsed' || value === 'expanded' ? value : null;
  } catch {
    // No storage (a locked-down profile): follow the window.
    return null;
  }
}

function storeChoice(choice: SidebarChoice): void {
  try {
    localStorage.setItem(SIDEBAR_STORAGE_KEY, choice);
  } catch {
    // Not remembered; the choice still holds for this run.
  }
}

/** The media query of a narrow window. */
export const NARROW_QUERY = `(max-width: ${SIDEBAR_COLLAPSE_WIDTH - 0.02}px)`;

function narrowNow(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(NARROW_QUERY).matches;
}

export const useLayoutStore = create<LayoutState>()((set, get) => ({
  choice: storedChoice(),
  narrow: narrowNow(),
  setNarrow: (narrow) => set({ narrow }),
  toggleSidebar: () => {
    const choice = sidebarCollapsed(get()) ? 'expanded' : 'collapsed';
    storeChoice(choice);
    set({ choice });
  },
}));

/** Whether the sidebar shows icons only. */
export function sidebarCollapsed(state: Pick<LayoutState, 'choice' | 'narrow'>): boolean {
  return state.choice === null ? state.narrow : state.choice === 'collapsed';
}

/** Forgets the choice and re-reads the window (tests). */
export function resetLayoutStore(): void {
  try {
    localStorage.removeItem(SIDEBAR_STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  useLayoutStore.setState({ choice: null, narrow: narrowNow() });
}
