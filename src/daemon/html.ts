import { forHtml } from '../render/escape.js';

/** HTML that is already escaped (built by `html`), as opposed to a string that must be escaped. */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** Anything `html` accepts in a slot: text is escaped, SafeHtml kept, lists joined, null/false dropped. */
export type Slot = string | number | SafeHtml | null | undefined | false | readonly Slot[];

/** Escapes text for an HTML element or a quoted attribute value (the one HTML sanitizer, src/render/escape.ts). */
export const escapeHtml = forHtml;

function render(slot: Slot): string {
  if (slot === null || slot === undefined || slot === false) return '';
  if (slot instanceof SafeHtml) return slot.text;
  if (Array.isArray(slot)) return slot.map(render).join('');
  return escapeHtml(String(slot));
}

/**
 * Template tag that escapes every interpolated value unless it is SafeHtml itself: the only way the
 * status page builds markup, so no file name, message or connector name can inject any.
 */
export function html(strings: TemplateStringsArray, ...slots: Slot[]): SafeHtml {
  let out = strings[0] ?? '';
  slots.forEach((slot, index) => {
    out += render(slot) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}
