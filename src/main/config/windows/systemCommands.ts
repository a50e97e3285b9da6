/**
 * What the Windows policy checks ask of the OS, as a small interface: the decisions around it are plain functions
 * tested with recorded outputs, and the one real implementation (nodeSystemCommands.ts) only carries calls.
 */

/** A program to run, fully specified by its caller: nothing is looked up on PATH or inherited from this process. */
export interface WindowsCommand {
  /** Absolute path of the executable, under the Windows system folder. */
  readonly executable: string;
  readonly args: readonly string[];
  /** The child's whole environment: a clinician can set variables for their own processes, so none are passed on. */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory; the system folder, so no DLL is found in a folder a user can write. */
  readonly cwd: string;
  readonly timeoutMs: number;
}

/** The OS facilities the Windows policy checks use. */
export interface WindowsSystemCommands {
  /** Full paths of the modules (DLLs) the OS loader mapped into this process. */
  loadedModules(): readonly string[];
  /** Runs `command` and resolves with its standard output; rejects when it cannot start, fails or times out. */
  run(command: WindowsCommand): Promise<string>;
}
