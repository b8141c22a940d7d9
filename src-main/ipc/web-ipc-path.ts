/**
 * The path of browser mode's IPC WebSocket, in a module of its own: the server that
 * routes upgrades to it starts before the contract (and zod) are loaded.
 */
export const WEB_IPC_PATH = '/ipc';
