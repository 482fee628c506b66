// The canvas view: image coordinates -> screen is `screen = image * scale + (x, y)`.

export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 40;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

// The whole image in view, centred, with a small margin.
export function fitView(size: { w: number; h: number }, image: { w: number; h: number }): View {
  if (!size.w || !size.h || !image.w || !image.h) return { scale: 1, x: 0, y: 0 };
  const scale = clampScale(Math.min(size.w / image.w, size.h / image.h) * 0.98);
  return { scale, x: (size.w - image.w * scale) / 2, y: (size.h - image.h * scale) / 2 };
}

// Zoom by `factor` keeping the image point under the screen point (px, py) where it is.
export function zoomAt(v: View, factor: number, px: number, py: number): View {
  const scale = clampScale(v.scale * factor);
  const ix = (px - v.x) / v.scale;
  const iy = (py - v.y) / v.scale;
  return { scale, x: px - ix * scale, y: py - iy * scale };
}

export function toImage(v: View, px: number, py: number): { x: number; y: number } {
  return { x: (px - v.x) / v.scale, y: (py - v.y) / v.scale };
}
