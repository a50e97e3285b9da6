import { useRef, useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAppStore } from '../../stores/appStore';
import { FocusKeepingButton } from '../../components/FocusKeepingButton';

/**
 * The support bundle: main builds it without patient data (versions, OS, policy hash, settings without secrets,
 * locked keys, audit check, model-server status, names of recent errors). Shown in a read-only text area with a Copy
 * button: the page's CSP has no `blob:` source, so a download link is not offered, and clipboard access may be
 * refused (Electron denies permissions by default) — then the text is selected for Ctrl+C.
 */
export function DiagnosticsPanel() {
  const text = useAppStore((s) => s.diagnosticsText);
  const loading = useAppStore((s) => s.diagnosticsLoading);
  const error = useAppStore((s) => s.diagnosticsError);
  const loadDiagnostics = useAppStore((s) => s.loadDiagnostics);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const [copyNote, setCopyNote] = useState<string | null>(null);

  const copy = async (): Promise<void> => {
    if (text === null) return;
    try {
      await navigator.clipboard.writeText(text);
      setCopyNote('Copied. Paste it into your message to support.');
    } catch {
      areaRef.current?.select();
      setCopyNote('The text is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  };

  return (
    <section className="settings-section" aria-labelledby="diagnostics-title">
      <h3 id="diagnostics-title">Diagnostics for support</h3>
      <p className="form-hint">
        A summary of this installation for IT or support: versions, settings (no keys), the audit log check and recent
        error names. It contains no patient data.
      </p>
      <FocusKeepingButton className="button-secondary" unavailable={loading} onPress={() => void loadDiagnostics()}>
        {text === null ? 'Prepare diagnostics' : 'Prepare again'}
      </FocusKeepingButton>
      <ErrorAlert message={error} />
      {text !== null && (
        <>
          <label htmlFor="diagnostics-text" className="visually-hidden">
            Diagnostics (JSON)
          </label>
          <textarea id="diagnostics-text" ref={areaRef} className="input settings-diagnostics" readOnly value={text} rows={12} spellCheck={false} />
          <button type="button" className="button-secondary" onClick={() => void copy()}>
            Copy
          </button>
          {/* Always there, so the note is read out when it appears. */}
          <p className="muted" role="status">
            {copyNote ?? ''}
          </p>
        </>
      )}
    </section>
  );
}
