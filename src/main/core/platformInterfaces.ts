/**
 * Small interfaces over the Electron APIs main needs. Everything in main outside `platform/`, `windows/` and the
 * composition root depends on these, not on `electron`, so it runs — and is tested — in plain Node.
 */

/** OS-backed secret wrapping (Electron `safeStorage`, async API). */
export interface SecretStorage {
  isAvailable(): Promise<boolean>;
  /** Linux backend name (`basic_text` means no real protection); other OSes report `os`. */
  backend(): string;
  encrypt(plainText: string): Promise<Uint8Array>;
  decrypt(cipherText: Uint8Array): Promise<string>;
}

/** System idle and lock signals (Electron `powerMonitor`). */
export interface PowerSignals {
  /** Seconds since the last keyboard or mouse input anywhere on the system. */
  systemIdleSeconds(): number;
  /** Calls `listener` on screen lock, suspend or user switch; returns a function that stops listening. */
  onLockOrSuspend(listener: () => void): () => void;
  /**
   * Calls `listener` when the system wakes from sleep; returns a function that stops listening. Main's monotonic
   * clock stands still during sleep (Linux, macOS) while the wall clock moves on, so retention re-bases its clock
   * check here instead of taking the sleep for a clock jump. Absent where there is no such signal (the browser
   * harness, most tests).
   */
  onResume?(listener: () => void): () => void;
}

/** Where the app keeps its files. */
export interface AppPaths {
  /** The per-user data folder. */
  readonly userData: string;
}

/**
 * Prints an HTML document to PDF (Electron: `webContents.printToPDF` in a hidden window). The document is patient
 * data: an implementation prints it from memory, writes nothing to disk and keeps nothing once it has answered.
 */
export interface PdfPrinter {
  /** The PDF of the self-contained document `html` (it must load nothing and run no script). */
  printToPdf(html: string): Promise<Uint8Array>;
}
