/**
 * Runs in the page (pass it to `evaluate`): the visible text boxes and selects inside `root` whose boundary
 * contrasts less than 3:1 with the background around them — by the border, or by a fill of their own (WCAG 1.4.11,
 * which axe does not check). Self-contained, since Playwright sends only the function's source to the page.
 */
export function faintControlEdges(root: Element): string[] {
  const rgba = (color: string): number[] => (color.match(/[\d.]+/g) ?? []).map(Number);
  const luminance = ([r = 0, g = 0, b = 0]: number[]): number => {
    const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((value) => {
      const channel = value / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
  };
  const contrast = (a: string, b: string): number => {
    const [high, low] = [luminance(rgba(a)), luminance(rgba(b))].sort((x, y) => y - x) as [number, number];
    return (high + 0.05) / (low + 0.05);
  };
  const opaque = (color: string): boolean => (rgba(color)[3] ?? 1) > 0;
  const backgroundAround = (element: Element): string => {
    for (let node = element.parentElement; node !== null; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (opaque(background)) return background;
    }
    return 'rgb(255, 255, 255)';
  };
  const problems: string[] = [];
  for (const control of root.querySelectorAll<HTMLElement>('input:not([type="checkbox"]):not([type="radio"]), select, textarea')) {
    if (control.getClientRects().length === 0) continue;
    const style = getComputedStyle(control);
    const around = backgroundAround(control);
    // A transparent border draws no edge (its colour's channels read as black, which would pass against a light background).
    const drawsBorder = parseFloat(style.borderTopWidth) > 0 && style.borderTopStyle !== 'none' && opaque(style.borderTopColor);
    const border = drawsBorder ? contrast(style.borderTopColor, around) : 0;
    const fill = opaque(style.backgroundColor) ? contrast(style.backgroundColor, around) : 0;
    if (Math.max(border, fill) < 3) {
      problems.push(`#${control.id}: border ${style.borderTopColor} is ${border.toFixed(2)}:1 and fill ${style.backgroundColor} is ${fill.toFixed(2)}:1 against ${around}`);
    }
  }
  return problems;
}
