/**
 * The composition root of the Electron app: wiring only. Logic lives in services that run in plain Node; this
 * file connects them to Electron through the adapters in platform/ and the one window factory in windows/.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, type BrowserWindow } from 'electron';
import { parseCommandLine } from './config/commandLine';
import { launchDecision, lockRequestData, printRefusal, shouldComeForward } from './config/runningInstance';
import { AppError } from '../shared/errors';
import { loadSettings } from './config/loadSettings';
import { runPolicyValidation } from './config/validatePolicy';
import { startupErrorReport, startupErrorText } from './config/startupError';
import { exactOrigins } from './ipc/callContext';
import { registerOperations } from './ipc/registrar';
import { createConsoleLogger, errorKind } from './core/logger';
import { createElectronIpcTransport } from './platform/electronIpcTransport';
import { electronAppPaths, electronFetch, electronPowerSignals, electronSecretStorage } from './platform/electronPlatform';
import { trustExtraCertificateAuthorities } from './platform/electronExtraCaTrust';
import { parseExtraCas } from './net/extraCaTrust';
import { electronPdfPrinter } from './platform/electronPdfPrinter';
import { createMainServices, type MainServices } from './services';
import { systemClock } from './core/clock';
import { registerAppScheme, serveRenderer } from './windows/appProtocol';
import { createSecureWindow, denyPermissionsByDefault } from './windows/createSecureWindow';
import { APP_ORIGIN } from './windows/windowSecurity';
import { broadcastServiceEvents } from './broadcastServiceEvents';

const here = fileURLToPath(new URL('.', import.meta.url));
/** How long quitting waits for running turns before cancelling them (their partial answers are kept). */
const SHUTDOWN_GRACE_MS = 5_000;
const logger = createConsoleLogger();
let mainWindow: BrowserWindow | null = null;

registerAppScheme();
const commandLine = parseCommandLine(process.argv);
if (commandLine.validatePolicy) {
  // Before the single-instance lock, so a running app cannot swallow the check, and before settings are loaded,
  // since the policy being checked may be the broken one.
  void validatePolicyAndExit(commandLine.validatePolicy);
} else {
  // The lock is per OS account's data folder; an IT command must not touch a profile the running app holds open.
  const launch = launchDecision(commandLine, app.requestSingleInstanceLock(lockRequestData(commandLine)));
  if (launch.kind === 'refuse-it-command') {
    void printRefusal(launch, process.stderr).then((code) => app.exit(code), () => app.exit(launch.exitCode));
  } else if (launch.kind === 'hand-over') {
    app.quit();
  } else {
    app.on('second-instance', (_event, _argv, _workingDirectory, additionalData) => {
      if (!shouldComeForward(additionalData)) return;
      if (mainWindow?.isMinimized()) mainWindow.restore();
      mainWindow?.focus();
    });
    app.whenReady().then(start, (error: unknown) => fatal(error));
    app.on('window-all-closed', () => app.quit());
  }
}

async function start(): Promise<void> {
  const mode = app.isPackaged ? 'release' : 'development';
  const userSettingsPath = join(electronAppPaths().userData, 'settings.json');
  let config;
  try {
    config = await loadSettings({
      mode,
      userSettingsPath,
      policyArgument: commandLine.policy,
      env: process.env,
      platform: process.platform,
    });
    // A bad trust anchor stops start-up like any invalid setting (ConfigError → the error dialog).
    trustExtraCertificateAuthorities(session.defaultSession, parseExtraCas(config.settings.extraCaCertificates));
  } catch (error) {
    fatal(error);
    return;
  }
  let services;
  try {
    services = await createMainServices({
      mode,
      config,
      fetch: electronFetch,
      clock: systemClock,
      newId: () => randomUUID(),
      logger,
      dataDir: electronAppPaths().userData,
      secretStorage: electronSecretStorage,
      power: electronPowerSignals,
      userSettingsPath,
      appVersion: app.getVersion(),
      pdfPrinter: electronPdfPrinter,
    });
  } catch (error) {
    fatal(error);
    return;
  }
  if (commandLine.removeProfile) {
    // IT operation: no window. The exit code tells a deployment script whether it worked.
    try {
      const shredded = await services.removeProfile(commandLine.removeProfile);
      process.stdout.write(`Profile removed; ${shredded} session(s) made unreadable.\n`);
      await services.shutdown(0);
      app.exit(0);
    } catch (error) {
      process.stderr.write(`${error instanceof AppError ? error.message : 'The profile could not be removed.'}\n`);
      app.exit(1);
    }
    return;
  }
  if (commandLine.recoverProfile) {
    await runRecovery(services, commandLine.recoverProfile);
    return;
  }
  // electron-vite dev serves the renderer over http; packaged builds use app://renderer.
  const devUrl = mode === 'development' ? process.env.ELECTRON_RENDERER_URL : undefined;
  const appOrigin = devUrl ? new URL(devUrl).origin : APP_ORIGIN;
  const registration = registerOperations(createElectronIpcTransport(), services.handlers, {
    isAppOrigin: exactOrigins([appOrigin]),
    isUnlocked: () => services.isUnlocked(),
    logger,
  });
  const stopServiceEvents = broadcastServiceEvents(services, registration);
  serveRenderer(join(here, '../renderer'));
  denyPermissionsByDefault(session.defaultSession);
  mainWindow = createSecureWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    appOrigin,
    title: 'Clinic Protocol Assistant',
    allowDevTools: mode === 'development',
  });
  await mainWindow.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  // Quit waits (bounded) for running turns so a clinician's answer is not cut by closing the window.
  let shuttingDown = false;
  app.on('before-quit', (event) => {
    if (shuttingDown) return;
    shuttingDown = true;
    event.preventDefault();
    stopServiceEvents();
    void services.shutdown(SHUTDOWN_GRACE_MS).finally(() => {
      registration.dispose();
      app.quit();
    });
  });
}

/** IT operation without a window: reads the new passphrase from standard input and exits 0 on success, 1 otherwise. */
async function runRecovery(services: MainServices, target: { profileId: string; privateKeyFile: string }): Promise<void> {
  try {
    const privateKeyPem = await readFile(target.privateKeyFile, 'utf8');
    process.stdout.write('New passphrase for the clinician (at least 12 characters), then Enter: ');
    const newPassphrase = await readLine(process.stdin);
    await services.recoverProfile(target.profileId, privateKeyPem, newPassphrase);
    process.stdout.write('\nPassphrase set. The clinician can unlock with it now.\n');
    await services.shutdown(0);
    app.exit(0);
  } catch (error) {
    process.stderr.write(`\n${error instanceof AppError ? error.message : 'The passphrase could not be recovered.'}\n`);
    app.exit(1);
  }
}

/** IT operation without a window: prints every problem of the policy file (config/validatePolicy.ts); exits 0 valid, 2 invalid. */
async function validatePolicyAndExit(path: string): Promise<void> {
  try {
    app.exit(await runPolicyValidation(path, process));
  } catch (error) {
    process.stderr.write(`The policy could not be validated: ${error instanceof Error ? error.message : String(error)}\n`);
    app.exit(1);
  }
}

function readLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input, terminal: false });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    lines.once('close', () => reject(new Error('no passphrase was given')));
  });
}

/** Start-up failed: a native dialog with every problem (config/startupError.ts), never a silent fallback. */
function fatal(error: unknown): void {
  logger.error('app.start-failed', { kind: errorKind(error) });
  const report = startupErrorReport(error);
  dialog.showErrorBox(report.title, startupErrorText(report));
  app.exit(1);
}
