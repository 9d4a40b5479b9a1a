// V8 flags the launcher sets before the CLI is imported (see connector-sync.js). These are read at
// every collection, so they take effect without a re-spawn; the heap's initial sizes would not.
//
// - `--semi-space-growth-factor=1`: the young generation stays at its initial size. A one-shot
//   command holds tens of thousands of short-lived objects for a few seconds, and V8's defaults
//   grow the young generation to 2 x 64 MB; a burst of reconciles must not step the daemon's
//   resident size up by as much for good.
// - `--heap-growing-percent=10`: collect the old generation when it has grown by a tenth, not
//   when it has doubled: garbage otherwise piles up between collections, the daemon's as well.
// - the daemon only, `--optimize-for-size`: V8 keeps fewer freed pages pooled for reuse and
//   collects to free memory sooner. Its reconciles are not on anyone's clock; the one-shot
//   commands keep V8's speed. (Measurements: bench/README.md.)
export function v8FlagsFor(command) {
  const flags = ['--semi-space-growth-factor=1', '--heap-growing-percent=10'];
  if (command === 'daemon') flags.push('--optimize-for-size');
  return flags;
}
