import { createPrintWindow } from '../windows/createSecureWindow';
import type { PdfPrinter } from '../core/platformInterfaces';

/**
 * `webContents.printToPDF` on a hidden print window from the window factory (no script, sandboxed, in-memory
 * session). The document goes in as a data: URL, so it never touches the disk; the window is destroyed once the PDF
 * is made. Not covered by tier N (needs Electron's binary); typechecked against Electron's types.
 */
export const electronPdfPrinter: PdfPrinter = {
  async printToPdf(html) {
    const window = createPrintWindow();
    try {
      await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      const pdf = await window.webContents.printToPDF({ pageSize: 'A4', printBackground: false });
      return new Uint8Array(pdf);
    } finally {
      window.destroy();
    }
  },
};
