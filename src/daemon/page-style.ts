import { createHash } from 'node:crypto';

/** The status page's whole stylesheet: no external asset, readable from a phone to a wide screen. */
export const PAGE_STYLE = `
:root { color-scheme: light dark; --fg: #1d2129; --muted: #5f6673; --bg: #fff; --card: #f5f6f8;
  --line: #dde0e5; --ok: #137333; --warn: #9a5b00; --bad: #b3261e; --info: #1a56b5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e8eb; --muted: #a0a7b3; --bg: #14161a;
  --card: #1d2026; --line: #30343c; --ok: #6fd08c; --warn: #f0b453; --bad: #ff8a80; --info: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
a { color: var(--info); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .5rem; margin: 1rem 0; }
.fact { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .5rem .75rem; }
.fact b { display: block; font-size: .8rem; color: var(--muted); font-weight: 600; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85em; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .info { color: var(--info); }
.alert { border: 1px solid var(--bad); border-left-width: .35rem; border-radius: .5rem; padding: .5rem .75rem;
  margin: 1rem 0; background: var(--card); }
.alert.warn { border-color: var(--warn); }
.alert ul { margin: .25rem 0; padding-left: 1.25rem; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .8rem; color: var(--muted); }
details { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; margin: .4rem 0;
  padding: .4rem .75rem; }
summary { cursor: pointer; }
ul.ops { margin: .5rem 0; padding-left: 1.25rem; }
ul.ops li { margin: .2rem 0; overflow-wrap: anywhere; }
.auth a { font-weight: 600; }
footer { margin: 2rem 0 1rem; font-size: .85rem; }
@media (max-width: 40rem) {
  main { padding: .75rem; }
  table, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: .5rem; margin: .5rem 0; padding: .25rem .5rem;
    background: var(--card); }
  td { border: 0; padding: .15rem 0; overflow-wrap: anywhere; }
  td:empty { display: none; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
}
`;

/** The Content-Security-Policy source of PAGE_STYLE: the page may use that style and nothing else. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`;
