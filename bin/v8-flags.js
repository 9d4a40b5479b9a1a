// V8 flags the launcher sets before the CLI is imported (see connector-sync.js). These are read at
// every collection, so they take effect without a re-spawn; the heap's initial sizes would not.
//
// - `--semi-space-growth-factor`: how much the young generation grows when V8 finds it too small.
//   V8's default doubles it up to 2 x 64 MB, tripling a command's peak resident size. At 1 it
//   stays at 2 x 1 MB, where loading 10,000 connector files takes a thousand scavenges instead of
//   fifty, each paying a fixed cost. `validate` grows it once, by YOUNG_GROWTH, and then holds it
//   (holdYoungGeneration): 2 x 8 MB, a fixed few megabytes more for far fewer collections. `sync`
//   and the daemon keep 1: their peak, with the plan and the API's answers held, is near its cap.
// - `--heap-growing-percent=10`: collect the old generation when it has grown by a tenth, not
//   when it has doubled: garbage otherwise piles up between collections, the daemon's as well.
// - the daemon only, `--optimize-for-size`: V8 keeps fewer freed pages pooled for reuse and
//   collects to free memory sooner. Its reconciles are not on anyone's clock; the one-shot
//   commands keep V8's speed. (Measurements: bench/README.md.)

/** The one growth of validate's young generation: 1 MB semi-spaces become 8 MB. */
export const YOUNG_GROWTH = 8;

export function v8FlagsFor(command) {
  const growth = command === 'validate' ? YOUNG_GROWTH : 1;
  const flags = [`--semi-space-growth-factor=${growth}`, '--heap-growing-percent=10'];
  if (command === 'daemon') flags.push('--optimize-for-size');
  return flags;
}

/**
 * Holds the young generation at its size once it has grown. V8 grows it after a collection,
 * which JavaScript cannot watch synchronously: a timer looks every millisecond until it has.
 */
export function holdYoungGeneration(command, v8) {
  if (command !== 'validate') return;
  const size = () =>
    v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
  const initial = size();
  const hold = () => v8.setFlagsFromString('--semi-space-growth-factor=1');
  const watch = setInterval(() => {
    if (size() <= initial) return;
    hold();
    clearInterval(watch);
  }, 1);
  watch.unref();
}
