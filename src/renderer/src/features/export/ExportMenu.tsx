import { useEffect, useId, useState } from 'react';
import type { ExportFormat } from '../../../../shared/export';
import { useAppStore } from '../../stores/appStore';
import { saveFile } from './saveFile';

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
  { format: 'pdf', label: 'PDF' },
];

/** Shown beside the buttons when IT policy forbids exports. */
export const EXPORT_DISABLED_REASON = 'Export is turned off on this workstation by your IT policy.';

/**
 * Export of the open session as Markdown, JSON or PDF. Main builds the file from the sealed records and audits the
 * export; the page only offers it for saving. Disabled, with the reason, when IT policy forbids exports.
 */
export function ExportMenu() {
  const sessionId = useAppStore((s) => s.sessionId);
  const allowed = useAppStore((s) => s.exportAllowed);
  const busy = useAppStore((s) => s.exportBusy);
  const error = useAppStore((s) => s.exportError);
  const loadExportPolicy = useAppStore((s) => s.loadExportPolicy);
  const exportSession = useAppStore((s) => s.exportSession);
  const [saved, setSaved] = useState<string | null>(null);
  const reasonId = useId();

  useEffect(() => {
    if (allowed === null) void loadExportPolicy();
  }, [allowed, loadExportPolicy]);

  const disabled = allowed === false || sessionId === null;
  const run = async (format: ExportFormat): Promise<void> => {
    setSaved(null);
    const file = await exportSession(format);
    if (file === null) return;
    saveFile(file);
    setSaved(
      format === 'pdf' && file.mimeType === 'text/html'
        ? `Saved ${file.fileName}: this build cannot print to PDF itself — open the file in a browser and print it to PDF.`
        : `Saved ${file.fileName}.`,
    );
  };

  return (
    <div className="export-menu" role="group" aria-label="Export this session" data-testid="export-menu">
      <span className="muted">Export:</span>{' '}
      {FORMATS.map(({ format, label }) => (
        <button
          key={format}
          type="button"
          className="button-secondary"
          disabled={disabled}
          // While one export runs: aria-disabled, so the pressed button keeps the focus (disabled would drop it).
          aria-disabled={busy !== null || undefined}
          aria-describedby={allowed === false ? reasonId : undefined}
          data-testid={`export-${format}`}
          onClick={() => {
            if (busy === null) void run(format);
          }}
        >
          {busy === format ? `${label}…` : label}
        </button>
      ))}
      {allowed === false && (
        <p id={reasonId} className="muted" data-testid="export-disabled-reason">
          {EXPORT_DISABLED_REASON}
        </p>
      )}
      <p role="status" className="muted" data-testid="export-status">
        {error !== null ? error.message : (saved ?? '')}
      </p>
    </div>
  );
}
