import type { ExportFormat, ExportOutput } from '../../shared/export';
import { localDayText, type TimeZoneChoice } from '../../shared/localTime';

/**
 * The audit log has no free-text field, so an export's format is recorded in its `count`: these codes, stable once
 * released (docs/export-schema.md). `pdf` is recorded as PDF whether the build printed it or handed out the
 * print-ready document.
 */
export const EXPORT_FORMAT_AUDIT_CODE: Readonly<Record<ExportFormat, number>> = { markdown: 1, json: 2, pdf: 3 };

/**
 * A file name from the session id and the export date only: the name of a saved file never carries patient data. The
 * date is the workstation's calendar day, as the file's contents give local times (a UTC date named an export made
 * after midnight local time, east of Greenwich, after the day before).
 */
export function exportFileName(sessionId: string, exportedAt: Date, extension: 'md' | 'json' | 'pdf' | 'html', zone: TimeZoneChoice = {}): string {
  const day = localDayText(exportedAt.toISOString(), zone) ?? exportedAt.toISOString().slice(0, 10);
  return `session-${sessionId.slice(0, 8)}-${day}.${extension}`;
}

/** The file for a text format. */
export function textFile(
  format: ExportFormat,
  fileName: string,
  mimeType: Extract<ExportOutput['mimeType'], 'text/markdown' | 'application/json' | 'text/html'>,
  content: string,
): ExportOutput {
  return { format, fileName, mimeType, encoding: 'utf8', content };
}
