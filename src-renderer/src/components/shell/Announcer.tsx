/**
 * Tells screen readers when a tunnel changes state (connected, reconnecting, closed), from
 * one polite live region, so that state changes in rows off screen are not missed.
 */
import { useEffect, useRef, useState } from 'react';
import { stateAnnouncement } from '../../lib/session-state';
import { useSessionsStore } from '../../stores/sessions-store';

export function Announcer() {
  const sessions = useSessionsStore((state) => state.sessions);
  const seen = useRef<Map<string, string> | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    const previous = seen.current;
    const next = new Map(sessions.map((s) => [s.id, s.state.kind]));
    seen.current = next;
    // The first list is the state of things, not a change.
    if (!previous) return;
    const changes = sessions
      .filter((s) => previous.get(s.id) !== s.state.kind)
      .map((s) => stateAnnouncement(s.name, s.state));
    if (changes.length > 0) setMessage(changes.join(' '));
  }, [sessions]);

  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {message}
    </div>
  );
}
