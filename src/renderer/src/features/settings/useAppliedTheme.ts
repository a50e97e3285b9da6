import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';

/**
 * Applies the clinician's theme to the page: `light` or `dark` set `data-theme` on the root element (styles.css
 * overrides the OS scheme with it); `system`, or settings not read yet, leave the OS's prefers-color-scheme in charge.
 */
export function useAppliedTheme(): void {
  const theme = useAppStore((s) => s.settingsView?.values.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}
