/** Where browser mode's IPC WebSocket is: this page's host, `ws:` or `wss:` like the page. */
import { WEB_IPC_PATH } from '../../../src-main/ipc/web-ipc-path.js';

export function defaultIpcUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WEB_IPC_PATH}`;
}
