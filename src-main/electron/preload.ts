/**
 * The sandboxed preload: exposes the contract's bridge to the page as
 * `window.tunneldeskBridge` (declared in src-main/ipc/global.d.ts). Bundled to CommonJS
 * with its dependencies, because a sandboxed preload can require only 'electron'.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { preloadBridge } from './preload-bridge.js';

contextBridge.exposeInMainWorld('tunneldeskBridge', preloadBridge(ipcRenderer));
