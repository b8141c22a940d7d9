/**
 * What main does with a request before and around dispatch(): the sender must be the
 * app's own window, top frame, showing the app's page (Electron's checklist: "validate
 * the sender of all IPC messages"), and only then is the payload validated and handled.
 * No Electron import: the event is anything shaped like an IpcMainInvokeEvent.
 */
import { dispatch, failure } from '../app/dispatch.js';
import type { Logger } from '../core/log/logger.js';
import { AppError, type EventName, type Reply, type RequestHandlers } from '../ipc/contract.js';
import { isAppUrl } from './security.js';

/** The parts of an IpcMainInvokeEvent the check reads. */
export interface IpcSender {
  readonly sender: { readonly id: number };
  /** Null once the frame has navigated or been destroyed. */
  readonly senderFrame: {
    readonly url: string;
    /** null for the top frame; Electron always sets it (a stand-in may leave it out). */
    readonly parent?: unknown;
  } | null;
}

/** The window requests may come from, as it is now. */
export interface TrustedWindow {
  readonly webContentsId: number;
  readonly appUrl: string;
}

/** Why a sender is not trusted, or undefined when it is. */
export function untrustedSenderReason(
  event: IpcSender,
  trusted: TrustedWindow | undefined,
): string | undefined {
  if (!trusted) return 'the app window is not open';
  if (event.sender.id !== trusted.webContentsId) return 'not the app window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  // A subframe (an iframe the page was tricked into) is not the app, whatever its URL.
  if (frame.parent !== undefined && frame.parent !== null) return 'not the top frame';
  if (!isAppUrl(frame.url, trusted.appUrl)) return 'not the app page';
  return undefined;
}

/** Whether a request may be handled at all. */
export function isTrustedSender(event: IpcSender, trusted: TrustedWindow | undefined): boolean {
  return untrustedSenderReason(event, trusted) === undefined;
}

/**
 * One request from Electron's IPC: refused with `forbidden` (and logged) from an untrusted
 * sender, else validated and handled by dispatch(), the path browser mode uses too.
 */
export async function handleIpcRequest(
  handlers: RequestHandlers,
  channel: string,
  event: IpcSender,
  input: unknown,
  trusted: TrustedWindow | undefined,
  log: Logger,
): Promise<Reply> {
  const reason = untrustedSenderReason(event, trusted);
  if (reason !== undefined) {
    log.warn(`refused ${channel.slice(0, 80)} from web contents ${event.sender.id}: ${reason}`);
    return failure(new AppError('forbidden', `request refused: ${reason}`));
  }
  return dispatch(handlers, channel, input, log);
}

/** What the forwarder knows about the window when an event is to be sent. */
export interface WindowState {
  readonly destroyed: boolean;
  readonly visible: boolean;
  readonly minimized: boolean;
  /** What the window shows now. */
  readonly url: string;
}

/**
 * Whether an app event goes to the window. Nothing goes to a page other than the app's.
 * Live figures are dropped while nobody can see them: the next snapshot replaces them.
 */
export function shouldSendEvent(name: EventName, window: WindowState, appUrl: string): boolean {
  if (window.destroyed || !isAppUrl(window.url, appUrl)) return false;
  if (name === 'stats' && (!window.visible || window.minimized)) return false;
  return true;
}
