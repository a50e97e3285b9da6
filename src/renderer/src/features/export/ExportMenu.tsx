import { useEffect, useId, useState } from 'react';
import type { ExportFormat } from '../../../../shared/export';
import { useAppStore } from '../../stores/appStore';
import { saveFile } from './saveFile';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'json', label: 'JSON' },
  { format: 'pdf', label: 'PDF' },
];

/** Shown beside the buttons when IT policy forbids exports. */
export const EXPORT_DISABLED_REASON = 'Export is turned off on this workstation by your IT policy.';
/** Why a session the patient declined storage for cannot be exported: nothing of it was ever written. */
export const NOT_KEPT_REASON = 'This session is not kept (the patient declined storage), so it cannot be exported.';

/**
 * Export of the open session as Markdown, JSON or PDF, as a compact menu for the session header's single row:
 * "Export" opens the three formats beside it (a disclosure, so it works from the keyboard and is read as expanded).
 * Main builds the file from the sealed records and audits the export; the page only offers it for saving. Disabled,
 * with the reason, when IT policy forbids exports or the session is not kept.
 */
export function ExportMenu() {
  const sessionId = useAppStore((s) => s.sessionId);
  const allowed = useAppStore((s) => s.exportAllowed);
  const busy = useAppStore((s) => s.exportBusy);
  const error = useAppStore((s) => s.exportError);
  const loadExportPolicy = useAppStore((s) => s.loadExportPolicy);
  const exportSession = useAppStore((s) => s.exportSession);
  const [saved, setSaved] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const reasonId = useId();
  const formatsId = useId();

  useEffect(() => {
    if (allowed === null) void loadExportPolicy();
  }, [allowed, loadExportPolicy]);

  const notKept = useAppStore((s) => s.sessionNotKept);
  const reason = allowed === false ? EXPORT_DISABLED_REASON : notKept ? NOT_KEPT_REASON : null;
  const disabled = reason !== null || sessionId === null;
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

  // The buttons are one labelled group; the reason and the outcome are lines beside it that the header's layout
  // moves under its row when they have something to say (the wrapper is layout-free: `display: contents`).
  return (
    <div className="export-menu">
      <button
        type="button"
        className="button-secondary export-toggle"
        aria-expanded={open}
        aria-controls={formatsId}
        data-testid="export-toggle"
        onClick={() => setOpen((wasOpen) => !wasOpen)}
      >
        Export
      </button>
      <div id={formatsId} className="export-buttons" role="group" aria-label="Export this session" data-testid="export-menu" hidden={!open}>
        {FORMATS.map(({ format, label }) => (
          <FocusKeepingButton
            key={format}
            className="button-secondary"
            // Forbidden by policy or not kept: truly disabled (with the reason). While one export runs: focus-keeping.
            disabled={disabled}
            unavailable={busy !== null}
            aria-describedby={reason !== null ? reasonId : undefined}
            data-testid={`export-${format}`}
            onPress={() => void run(format)}
          >
            {busy === format ? `${label}…` : label}
          </FocusKeepingButton>
        ))}
      </div>
      {open && reason !== null && (
        <p id={reasonId} className="muted export-line" data-testid="export-disabled-reason">
          {reason}
        </p>
      )}
      <p role="status" className="muted export-line" data-testid="export-status">
        {error !== null ? error.message : (saved ?? '')}
      </p>
    </div>
  );
}
