import { styleText } from 'node:util';

type Format = Parameters<typeof styleText>[0];

/** Colour functions; identity when colour is off (NO_COLOR, not a TTY, --no-color). */
export interface Style {
  add(text: string): string;
  change(text: string): string;
  remove(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** Builds the style; the CLI decides `color` from the stream and the environment. */
export function makeStyle(color: boolean): Style {
  const paint = (format: Format) => (text: string) =>
    color ? styleText(format, text, { validateStream: false }) : text;
  return {
    add: paint('green'),
    change: paint('yellow'),
    remove: paint('red'),
    warn: paint('magenta'),
    dim: paint('dim'),
    bold: paint('bold'),
  };
}
