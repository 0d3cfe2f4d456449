/** Slurm's array index list for task ids: `[0, 1, 2, 5, 7, 8]` -> `0-2,5,7-8`. */
export function arraySpec(ids: readonly number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The grid indices task `task` runs: `cellsPerTask` consecutive cells, the last task possibly fewer. */
export function taskCells(task: number, cellsPerTask: number, total: number): number[] {
  const first = task * cellsPerTask;
  return Array.from({ length: Math.max(0, Math.min(cellsPerTask, total - first)) }, (_, i) => first + i);
}

/** The array task that runs grid index `index`. */
export function taskOf(index: number, cellsPerTask: number): number {
  return Math.floor(index / cellsPerTask);
}
