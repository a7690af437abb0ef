import { store, stored } from './settings.svelte';

/** The page's colours: the OS's light or dark, or one chosen; `contrast` is a high-contrast light theme for washed-out projectors. */
export type Theme = 'auto' | 'light' | 'dark' | 'contrast';
export const THEMES: readonly { value: Theme; label: string }[] = [
  { value: 'auto', label: 'Colours as the OS' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'contrast', label: 'High contrast' },
];
const isTheme = (v: string): v is Theme => THEMES.some((t) => t.value === v);

/** Below this width (CSS px) the page is one column: the kitchen full width above the chart. */
export const ONE_COLUMN_BELOW_PX = 1300;

/**
 * How the page is laid out and coloured: presenter mode (large type, one column, a lesson switcher)
 * and the theme. Both are kept between sessions and set on the document root, where the styles read them.
 */
export class ViewSettings {
  presenter = $state(stored('presenter') === 'on');
  theme = $state<Theme>(isTheme(stored('theme')) ? (stored('theme') as Theme) : 'auto');
  /** The OS asks for dark colours (followed while the theme is `auto`). */
  osDark = $state(false);

  /** The theme in effect. */
  get resolved(): Exclude<Theme, 'auto'> {
    return this.theme === 'auto' ? (this.osDark ? 'dark' : 'light') : this.theme;
  }

  togglePresenter(): void {
    this.presenter = !this.presenter;
    store('presenter', this.presenter ? 'on' : 'off');
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    store('theme', theme);
  }

  /** Follows the OS's colour scheme and writes the settings onto `root`; returns the teardown. */
  apply(root: HTMLElement): () => void {
    const query = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
    const follow = () => (this.osDark = query?.matches ?? false);
    follow();
    query?.addEventListener('change', follow);
    const stop = $effect.root(() => {
      $effect(() => {
        root.classList.toggle('presenter', this.presenter);
        root.dataset.theme = this.resolved;
        root.style.colorScheme = this.resolved === 'dark' ? 'dark' : 'light';
      });
    });
    return () => {
      query?.removeEventListener('change', follow);
      stop();
    };
  }
}
