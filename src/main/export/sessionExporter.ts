import { AppError } from '../../shared/errors';
import type { ExportFormat, ExportOutput } from '../../shared/export';
import type { SealedRecord } from '../../shared/vault';
import type { AuditRecorder } from '../audit/auditRecorder';
import type { PdfPrinter } from '../core/platformInterfaces';
import type { Clock } from '../core/clock';
import { requireSignedIn, type OpenedRecordsDeps } from '../history/openedRecords';
import type { UnlockedOwner } from '../vault/unlockedOwner';
import { buildSessionExport } from './buildSessionExport';
import { EXPORT_FORMAT_AUDIT_CODE, exportFileName, textFile } from './exportFiles';
import { renderHtml } from './renderHtml';
import { renderMarkdown } from './renderMarkdown';

/** What exporting needs. */
export interface SessionExporterDeps {
  /** IT policy `exportAllowed`: false refuses every export before any record is opened. */
  readonly exportAllowed: boolean;
  /** How records are opened and checked (keys, main's history memory, audit, logger). */
  readonly records: OpenedRecordsDeps;
  readonly audit: AuditRecorder;
  readonly clock: Clock;
  /** Prints HTML to PDF (Electron); null where the build cannot print (the browser harness): PDF then answers the print-ready HTML. */
  readonly pdfPrinter: PdfPrinter | null;
}

/** Shown when policy forbids exports. */
export const EXPORT_DISABLED_MESSAGE = 'Exporting sessions is turned off on this workstation by your IT policy.';

/**
 * Exports the unlocked clinician's session from its sealed records: opens them (a foreign session is refused), builds
 * the document, renders the format, and audits the export durably — profile, session id and format only, never a
 * word of the session. The file goes back to the page that asked, which offers it for saving; main keeps no copy.
 */
export async function exportSession(
  deps: SessionExporterDeps,
  owner: UnlockedOwner,
  format: ExportFormat,
  records: readonly SealedRecord[],
): Promise<ExportOutput> {
  if (!deps.exportAllowed) throw new AppError('FORBIDDEN', EXPORT_DISABLED_MESSAGE);
  const now = deps.clock.now();
  const doc = await buildSessionExport(deps.records, owner, records, now);
  const { sessionId } = doc.session;
  let file: ExportOutput;
  switch (format) {
    case 'markdown':
      file = textFile(format, exportFileName(sessionId, now, 'md'), 'text/markdown', renderMarkdown(doc));
      break;
    case 'json':
      file = textFile(format, exportFileName(sessionId, now, 'json'), 'application/json', `${JSON.stringify(doc, null, 2)}\n`);
      break;
    case 'pdf': {
      const html = renderHtml(doc);
      if (deps.pdfPrinter === null) {
        file = textFile(format, exportFileName(sessionId, now, 'html'), 'text/html', html);
        break;
      }
      const pdf = await deps.pdfPrinter.printToPdf(html);
      file = { format, fileName: exportFileName(sessionId, now, 'pdf'), mimeType: 'application/pdf', encoding: 'base64', content: Buffer.from(pdf).toString('base64') };
      break;
    }
  }
  // On disk before the file leaves main: no export without its audit line.
  await deps.audit.recordDurably({ action: 'session.exported', profileId: owner.ownerId, objectId: sessionId, count: EXPORT_FORMAT_AUDIT_CODE[format] });
  // A lock while the file was being made: the page asking is signed out, the file never leaves main.
  requireSignedIn(deps.records, owner);
  return file;
}
