/** Every tunnel main knows about, as main last described them. */
import { create } from 'zustand';
import type { SessionView } from '../../../src-main/ipc/contract.js';

interface SessionsState {
  readonly sessions: readonly SessionView[];
  /** Whether main has answered at least once (an empty list means "none", not "not yet"). */
  readonly loaded: boolean;
  replace(sessions: readonly SessionView[]): void;
  /** A session a request just returned, shown before main's next push arrives. */
  upsert(session: SessionView): void;
}

export const useSessionsStore = create<SessionsState>()((set) => ({
  sessions: [],
  loaded: false,
  replace: (sessions) => set({ sessions, loaded: true }),
  upsert: (session) =>
    set((state) => {
      const index = state.sessions.findIndex((s) => s.id === session.id);
      if (index === -1) return { sessions: [...state.sessions, session], loaded: true };
      const sessions = state.sessions.slice();
      sessions[index] = session;
      return { sessions };
    }),
}));

export function useSession(sessionId: string | null): SessionView | undefined {
  return useSessionsStore((state) => state.sessions.find((s) => s.id === sessionId));
}
