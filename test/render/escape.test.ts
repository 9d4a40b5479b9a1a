import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forHeader,
  forHtml,
  forMarkdown,
  forTerminal,
  forWorkflowMessage,
  forWorkflowProperty,
  markdownCode,
  markdownFence,
  markdownLink,
} from '../../src/render/escape.js';

// what a terminal, a CI log or a bidi-aware viewer would obey rather than show
const OBEYED =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// strings made mostly of the characters that matter here, and any Unicode besides
const hostile = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.constantFrom(
        '\u001b',
        '\u001b]0;pwned\u0007',
        '\n',
        '\r',
        '\u009b',
        '\u202e',
        '\u2066',
        '`',
        '```',
        ' ',
        '|',
        '<img src=x>',
        '[link](https://evil.example)',
        '## ',
        '%',
        ':',
        ',',
        '\\',
        '_',
        '*',
        '$',
        'a',
        'é',
      ),
    )
    .map((parts) => parts.join('')),
);

/** Text with every backslash escape removed: what Markdown could still read as markup. */
function unescaped(markdown: string): string {
  return markdown.replace(/\\[\s\S]/g, '');
}

describe('forTerminal', () => {
  it('leaves nothing a terminal would obey, and plain text as it is', () => {
    fc.assert(fc.property(hostile, (text) => !OBEYED.test(forTerminal(text))));
    expect(forTerminal('deepwiki: café\tok')).toBe('deepwiki: café\tok');
  });

  it('shows what it escaped', () => {
    expect(forTerminal('\u001b[2J\u001b]0;title\u0007\n## x\u202eevil\u0085')).toBe(
      '\\e[2J\\e]0;title\\x07\\n## x\\u202eevil\\x85',
    );
  });
});

describe('forMarkdown', () => {
  it('is one line where no markup character is left unescaped', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = forMarkdown(text);
        return !OBEYED.test(out) && !/[`*[\]<>&~#$]/.test(unescaped(out));
      }),
    );
  });

  it('keeps an underscore inside a word readable', () => {
    expect(forMarkdown('system_prompt _em_')).toBe('system_prompt \\_em\\_');
  });
});

describe('markdownCode', () => {
  it('is one code span whose content is the text as the terminal would show it', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = markdownCode(text);
        const ticks = /^`+/.exec(out)![0];
        const inner = out.slice(ticks.length, out.length - ticks.length);
        expect(out.endsWith(ticks)).toBe(true);
        // no run of exactly the delimiter's length inside, so the span cannot close early
        expect(inner.match(/`+/g)?.some((run) => run.length === ticks.length) ?? false).toBe(false);
        const content = /^ .* $/s.test(inner) && /[^ ]/.test(inner) ? inner.slice(1, -1) : inner;
        expect(content).toBe(text === '' ? ' ' : forTerminal(text));
      }),
    );
  });
});

describe('markdownFence', () => {
  it('is never closed by a line of its content', () => {
    fc.assert(
      fc.property(fc.array(hostile), (lines) => {
        const [open, ...rest] = markdownFence('diff', lines);
        const fence = /^`+/.exec(open!)![0];
        const body = rest.slice(0, -1);
        const closes = new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`);
        return rest.at(-1) === fence && body.length === lines.length && !body.some((l) => closes.test(l));
      }),
    );
    expect(markdownFence('diff', [' ```', '+````'])[0]).toBe('`````diff');
  });
});

describe('markdownLink', () => {
  it('links an http(s) URL with a destination nothing can end early', () => {
    fc.assert(
      fc.property(hostile, (tail) => {
        const out = markdownLink('`x`', `https://auth.example.com/${tail}`);
        const target = /^\[`x`\]\((.*)\)$/.exec(out)?.[1];
        return target !== undefined && !/[\s()<>`\\]/.test(target);
      }),
    );
  });

  it('never links another scheme: the URL is shown as code', () => {
    expect(markdownLink('`x`', 'javascript:alert(1)')).toBe('`x` (`javascript:alert(1)`)');
  });
});

describe('forHtml', () => {
  it('leaves no tag, attribute quote or control character', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = forHtml(text);
        return !/[<>"']/.test(out) && !OBEYED.test(out) && !/&(?!#\d+;)/.test(out);
      }),
    );
  });
});

describe('forHeader', () => {
  it('is always a valid header value', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = forHeader(text);
        expect(() => validateHeaderValue('location', out)).not.toThrow();
        return /^[\x20-\x7e]*$/.test(out);
      }),
    );
    expect(forHeader('https://a.example/p?q=1\r\nSet-Cookie: x')).toBe(
      'https://a.example/p?q=1%0D%0ASet-Cookie: x',
    );
  });
});

describe('GitHub workflow commands', () => {
  it('cannot end a command early or add a property', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const message = forWorkflowMessage(text);
        const property = forWorkflowProperty(text);
        return !/[\r\n]/.test(message) && !OBEYED.test(message) && !/[\r\n:,]/.test(property);
      }),
    );
    expect(forWorkflowProperty('a,b:c%')).toBe('a%2Cb%3Ac%25');
  });
});
