/**
 * The Electron entry: one instance, one window, the app menu, and TunnelDeskApp behind
 * the IPC contract. Everything that decides something lives in the modules it wires up
 * (window, harden, ipc-policy, menu, shutdown), which tests run without Electron.
 */
import { join } from 'node:path';
import { app, dialog, Menu, safeStorage, session, shell, type BrowserWindow } from 'electron';
import { TunnelDeskApp } from '../app/app.js';
import { formatRecord, LogLevel } from '../core/log/logger.js';
import { hardenSession } from './harden.js';
import { forwardAppEvents, registerRequestHandlers } from './ipc-main.js';
import { electronLaunchDeps } from './launch-deps.js';
import { createMainWindow, focusWindow } from './main-window.js';
import { menuTemplate } from './menu.js';
import { appPaths, PRODUCT_NAME, readPackageVersion } from './paths.js';
import { safeStorageSecretStore } from './safe-storage-secret-store.js';
import { secretStorageKind } from './secret-storage.js';
import { windowOpenDecision } from './security.js';
import { installGracefulShutdown } from './shutdown.js';

const development = !app.isPackaged;
const paths = appPaths(import.meta.dirname);
const version = readPackageVersion(paths.packageJson);

// `npm start` runs `electron out/main/main.js`, for which Electron reads no package.json:
// without these the app would be called "Electron" and share its user data folder with
// every app started that way. Both must be set before the single-instance lock, which
// lives in the user data folder. TUNNELDESK_USER_DATA_DIR gives e2e runs a folder each.
app.setName(PRODUCT_NAME);
const userData = process.env.TUNNELDESK_USER_DATA_DIR;
if (userData) app.setPath('userData', userData);
else if (development) app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));

let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another TunnelDesk is running; it gets our 'second-instance' and comes to the front.
  app.quit();
} else {
  app.on('second-instance', () => focusWindow(mainWindow));
  app.whenReady().then(start, (error: unknown) => {
    console.error(`TunnelDesk could not start: ${(error as Error).message}`);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const secretStorage = secretStorageKind({
    platform: process.platform,
    encryptionAvailable: await safeStorage.isAsyncEncryptionAvailable(),
    linuxBackend:
      process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
  });
  const tunnelDesk = new TunnelDeskApp({
    runtime: 'electron',
    version,
    settingsFile: join(app.getPath('userData'), 'settings.json'),
    // Tokens outlive the app only where the OS keychain protects them; in memory elsewhere.
    // AppInfo.secretStorage is the store's own kind, so the UI says which it got.
    ...(secretStorage === 'os-keychain'
      ? { secretStore: safeStorageSecretStore(safeStorage, app.getPath('userData')) }
      : {}),
    launch: electronLaunchDeps(shell),
    // "Choose…" beside the token form's CA field: the system's own dialog.
    pickPath: async (kind) => {
      const picked = await dialog.showOpenDialog({
        title: kind === 'file' ? 'Choose a CA file' : 'Choose a folder of CA certificates',
        properties: [kind === 'file' ? 'openFile' : 'openDirectory'],
      });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
    // Warnings and errors also go to the terminal `npm start` runs in.
    logTee: (record) => {
      if (record.level <= LogLevel.Warn) process.stderr.write(`${formatRecord(record)}\n`);
    },
  });
  const log = tunnelDesk.logger.child('electron');
  installGracefulShutdown({
    app,
    shutdown: () => tunnelDesk.shutdown(),
    signals: process,
    log,
  });

  hardenSession(session.defaultSession, paths.appUrl);
  // Any other web contents (DevTools included) opens no windows and attaches no webviews.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(windowOpenDecision);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({ platform: process.platform, development, productName: PRODUCT_NAME }),
    ),
  );
  app.setAboutPanelOptions({
    applicationName: PRODUCT_NAME,
    applicationVersion: version,
    copyright: 'Apache-2.0',
  });

  registerRequestHandlers(
    tunnelDesk,
    () =>
      mainWindow && !mainWindow.isDestroyed()
        ? { webContentsId: mainWindow.webContents.id, appUrl: paths.appUrl }
        : undefined,
    log,
  );
  forwardAppEvents(tunnelDesk, () => mainWindow, paths.appUrl, log);

  // Tunnels belong to the window the operator sees: closing it quits (and closes them),
  // on macOS too, rather than leaving ports open behind a Dock icon.
  app.on('window-all-closed', () => app.quit());

  mainWindow = createMainWindow(paths, { development, log });
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  log.info(`TunnelDesk ${version} started (Electron ${process.versions.electron})`);
}
