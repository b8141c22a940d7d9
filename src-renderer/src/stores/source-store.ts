/**
 * The control-plane source the Devices view works against (the sandbox or an AWS profile and
 * region), the profiles main found, and who the source's credentials say the operator is.
 * Nothing secret: profiles carry no keys, and the identity is an account and an ARN.
 *
 * The choice is remembered in localStorage, so that an operator who works in one profile
 * finds it picked next time; a stored value that no longer parses is ignored.
 */
import { create } from 'zustand';
import type { CallerIdentity, ProfileInfo } from '../../../src-main/ipc/contract.js';
import type { ShownError } from '../lib/app-error';
import type { SourceChoice } from '../lib/aws-source';

export const SOURCE_STORAGE_KEY = 'tunneldesk.source';

/** What getIdentity said for the source with this key. */
export type IdentityState =
  | { readonly status: 'idle' }
  | { readonly status: 'loading'; readonly key: string }
  | { readonly status: 'ok'; readonly key: string; readonly identity: CallerIdentity }
  | { readonly status: 'error'; readonly key: string; readonly error: ShownError };

interface SourceState {
  readonly choice: SourceChoice;
  /** null until main has answered. */
  readonly profiles: readonly ProfileInfo[] | null;
  readonly profilesError: ShownError | null;
  readonly identity: IdentityState;
  choose(choice: SourceChoice): void;
  setProfiles(profiles: readonly ProfileInfo[]): void;
  setProfilesError(error: ShownError): void;
  setIdentity(identity: IdentityState): void;
}

function isChoice(value: unknown): value is SourceChoice {
  if (typeof value !== 'object' || value === null) return false;
  const choice = value as Record<string, unknown>;
  if (choice.kind === 'sandbox') return true;
  return (
    choice.kind === 'aws' &&
    (choice.profile === null || typeof choice.profile === 'string') &&
    typeof choice.region === 'string'
  );
}

function storedChoice(): SourceChoice {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(SOURCE_STORAGE_KEY) ?? 'null');
    if (isChoice(parsed)) return parsed;
  } catch {
    // No storage (a locked-down profile) or a mangled value: start from the sandbox.
  }
  return { kind: 'sandbox' };
}

function storeChoice(choice: SourceChoice): void {
  try {
    localStorage.setItem(SOURCE_STORAGE_KEY, JSON.stringify(choice));
  } catch {
    // Not remembered; the choice still holds for this run.
  }
}

export const useSourceStore = create<SourceState>()((set) => ({
  choice: storedChoice(),
  profiles: null,
  profilesError: null,
  identity: { status: 'idle' },
  choose: (choice) => {
    storeChoice(choice);
    set({ choice });
  },
  setProfiles: (profiles) => set({ profiles, profilesError: null }),
  setProfilesError: (profilesError) => set({ profilesError }),
  setIdentity: (identity) => set({ identity }),
}));

/** Back to the sandbox, with nothing remembered (tests). */
export function resetSourceStore(): void {
  try {
    localStorage.removeItem(SOURCE_STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  useSourceStore.setState({
    choice: { kind: 'sandbox' },
    profiles: null,
    profilesError: null,
    identity: { status: 'idle' },
  });
}
