export interface GridImages {
  /** Images per side of the grid. */
  side: number;
  rows: number;
  cols: number;
  /** [side * side * rows * cols], values in [0, 1], grid row-major (top row = largest z2). */
  images: Float32Array;
}

/** Draws the decoded means as a side x side mosaic of grey images (dark = 1, as ink on paper). */
export function drawSamples(canvas: HTMLCanvasElement, grid: GridImages): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const { side, rows, cols, images } = grid;
  const gap = 1;
  const tileW = cols + gap;
  const tileH = rows + gap;
  const image = ctx.createImageData(side * tileW, side * tileH);
  image.data.fill(255);
  const pixels = rows * cols;
  for (let t = 0; t < side * side; t++) {
    const ox = (t % side) * tileW;
    const oy = Math.floor(t / side) * tileH;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = images[t * pixels + r * cols + c]!;
        const g = 255 - Math.round(255 * Math.min(1, Math.max(0, v)));
        const o = 4 * ((oy + r) * side * tileW + ox + c);
        image.data[o] = image.data[o + 1] = image.data[o + 2] = g;
      }
    }
  }
  // Scale the mosaic up without smoothing: small toy images stay crisp.
  const off = new OffscreenCanvas(image.width, image.height);
  off.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const scale = Math.min(canvas.width / image.width, canvas.height / image.height);
  ctx.drawImage(off, 0, 0, image.width * scale, image.height * scale);
}
