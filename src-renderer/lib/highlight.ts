import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';

hljs.registerLanguage('python', python);

/**
 * Highlighted HTML split into lines, each whole: a token that runs over several lines (a docstring) is
 * closed at each line's end and opened again on the next, so every line can be drawn (and marked) alone.
 * The text is escaped by highlight.js; only its own `<span class="hljs-…">` tags are in the output.
 */
export function splitHighlighted(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let line = open.join('');
  const tag = /<span class="[^"]*">|<\/span>|\n/g;
  let last = 0;
  for (const match of html.matchAll(tag)) {
    line += html.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else if (match[0] === '</span>') {
      open.pop();
      line += match[0];
    } else {
      open.push(match[0]);
      line += match[0];
    }
  }
  line += html.slice(last);
  lines.push(line + '</span>'.repeat(open.length));
  return lines;
}

/** Source code as highlighted lines: Python highlighted, anything else escaped as it is. */
export function highlightLines(text: string, language: 'python' | 'workload'): string[] {
  const trimmed = text.replace(/\n$/, '');
  if (language === 'python') return splitHighlighted(hljs.highlight(trimmed, { language: 'python' }).value);
  return trimmed.split('\n').map((l) => l.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
}
