/** What makes focus visible on an element, read from its computed style. An outline styled `none` or transparent counts as none. */
export interface FocusLook {
  outline: string;
  outlineWidth: number;
  boxShadow: string;
}

/** What one step of a keyboard walk found, read in the page in one round trip. */
export interface FocusStep {
  /** The control that has the focus (null when it is on the page's body or nowhere). */
  focused: { name: string; look: FocusLook } | null;
  /** The control focused at an earlier step, still on the page but no longer focused: how it looked then and now. */
  left: { name: string; focusedLook: FocusLook; look: FocusLook } | null;
  /** Whether the walk's target has the focus. */
  onTarget: boolean;
}

/**
 * Runs in the page (pass it to `evaluate`): reads where the focus is and how it looks, and how the control that had
 * it before looks now. One call per key press, instead of one round trip per question, because each round trip is
 * slow on a loaded 2-core machine and a walk makes dozens. The control focused before is remembered on `window`, so
 * a new document (a reload) starts the comparison afresh. Self-contained: Playwright sends only this function's source.
 */
export function focusStep(target: Element | null): FocusStep {
  const readLook = (element: Element): FocusLook => {
    const style = getComputedStyle(element);
    const invisible = style.outlineStyle === 'none' || style.outlineColor === 'transparent' || style.outlineColor === 'rgba(0, 0, 0, 0)';
    return {
      outline: invisible ? 'none' : `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      outlineWidth: invisible ? 0 : parseFloat(style.outlineWidth),
      boxShadow: style.boxShadow,
    };
  };
  // The element as a reader of a failure message would recognise it.
  const describe = (element: Element): string => {
    const labels = 'labels' in element ? Array.from((element as HTMLInputElement).labels ?? [], (label) => label.textContent) : [];
    const name = element.getAttribute('aria-label') ?? (labels.join(' ') || element.textContent?.trim().slice(0, 40) || '');
    return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}> "${name}"`;
  };

  const memory = window as unknown as { focusWalkPrevious?: { element: Element; name: string; look: FocusLook } };
  const active = document.activeElement;
  const onTarget = target !== null && target === active;
  let left: FocusStep['left'] = null;
  const previous = memory.focusWalkPrevious;
  if (previous !== undefined && previous.element.isConnected && previous.element !== active) {
    left = { name: previous.name, focusedLook: previous.look, look: readLook(previous.element) };
    delete memory.focusWalkPrevious;
  }
  if (active === null || active === document.body) return { focused: null, left, onTarget };
  const focused = { name: describe(active), look: readLook(active) };
  memory.focusWalkPrevious = { element: active, ...focused };
  return { focused, left, onTarget };
}
