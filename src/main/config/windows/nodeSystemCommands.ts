import { execFile } from 'node:child_process';
import type { WindowsCommand, WindowsSystemCommands } from './systemCommands';

/** Enough for the two lines the checks read; a program printing more is not the one expected. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * The real {@link WindowsSystemCommands}: the loader's module list from Node's diagnostic report, and programs run
 * with `execFile` (no shell, so no argument is ever parsed by one). It decides nothing; it cannot run on Linux CI.
 */
export const nodeSystemCommands: WindowsSystemCommands = {
  loadedModules() {
    // The report lists the paths the loader used for this process's DLLs; a user's environment does not enter it.
    const report = process.report?.getReport() as { sharedObjects?: unknown } | undefined;
    const modules = report?.sharedObjects;
    return Array.isArray(modules) ? modules.filter((module): module is string => typeof module === 'string') : [];
  },
  run(command: WindowsCommand) {
    return new Promise((resolve, reject) => {
      execFile(
        command.executable,
        [...command.args],
        {
          env: { ...command.env },
          cwd: command.cwd,
          timeout: command.timeoutMs,
          maxBuffer: MAX_OUTPUT_BYTES,
          windowsHide: true,
          shell: false,
          encoding: 'utf8',
        },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });
  },
};
