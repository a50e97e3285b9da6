import type { ExportOutput } from '../../../../shared/export';

/** The file's bytes: text as UTF-8, a PDF from its base64. */
function bytesOf(file: ExportOutput): BlobPart {
  if (file.encoding === 'utf8') return file.content;
  const binary = atob(file.content);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/**
 * Offers `file` for saving: a Blob behind a temporary object URL, clicked through an `<a download>`. A download is not
 * a fetch, a frame or a script, so the page's strict CSP needs no change for it. The object URL is revoked right after,
 * so the patient data does not stay reachable in the page.
 */
export function saveFile(file: ExportOutput): void {
  const url = URL.createObjectURL(new Blob([bytesOf(file)], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has been handled: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
