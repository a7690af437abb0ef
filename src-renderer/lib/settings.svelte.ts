/** Settings kept in the browser's storage between sessions (the desktop app's page keeps them too). */
export const stored = (key: string): string => {
  try {
    return localStorage.getItem(`kitchen.${key}`) ?? '';
  } catch {
    return '';
  }
};
export const store = (key: string, value: string): void => {
  try {
    localStorage.setItem(`kitchen.${key}`, value);
  } catch {
    // Private windows may refuse storage: the setting lasts this session only.
  }
};

/** A kept JSON object whose values pass `valid` (anything else, or nothing kept: empty). */
export function storedRecord<T>(key: string, valid: (value: unknown) => boolean): Record<string, T> {
  try {
    const value: unknown = JSON.parse(stored(key) || '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => valid(v))) as Record<string, T>;
  } catch {
    return {};
  }
}

/** "Your script": what Run traces (the code box, or a file on disk), its arguments, and the interpreter. */
export class ScriptSettings {
  pythonPath = $state(stored('python'));
  path = $state(stored('script'));
  args = $state(stored('args'));
  source = $state<'code' | 'file'>(stored('source') === 'file' ? 'file' : 'code');
  code = $state(stored('code'));
  /** The file name the code box runs as (a loaded file keeps its own). */
  codeName = $state(stored('codeName') || 'your_script.py');

  /** Whether there is something to run. */
  get ready(): boolean {
    return this.source === 'code' ? this.code.trim() !== '' : this.path.trim() !== '';
  }

  setPython(path: string): void {
    this.pythonPath = path.trim();
    store('python', this.pythonPath);
  }

  setScript(path: string, args: string): void {
    this.path = path;
    this.args = args;
    store('script', path);
    store('args', args);
  }

  setSource(source: 'code' | 'file'): void {
    this.source = source;
    store('source', source);
  }

  setCode(code: string, name?: string): void {
    this.code = code;
    store('code', code);
    if (name) {
      this.codeName = name;
      store('codeName', name);
    }
  }
}
