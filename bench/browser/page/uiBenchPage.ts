/// <reference lib="dom" />
/**
 * The UI benchmark's page side (`window.__cpaUiBench`), in the store benchmark's init-script bundle: watches of the
 * real app UI that the Node side (uiSuite.ts) arms before it clicks, then awaits.
 */
import { UI_PAGE_GLOBAL, type UiBenchPage } from '../uiPageApi';
import { armFirstPaint, firstPaint } from './firstPaintWatch';
import { armStreamFrames, streamFrames } from './streamFrameWatch';

declare global {
  interface Window {
    __cpaUiBench?: UiBenchPage;
  }
}

const bench: UiBenchPage = { armFirstPaint, firstPaint, armStreamFrames, streamFrames };

Object.defineProperty(window, UI_PAGE_GLOBAL, { value: bench, writable: false, configurable: false, enumerable: false });
